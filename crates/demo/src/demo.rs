//! The demo portfolio: SONet BOTNIA, the social-welfare competence centre of the three
//! Ostrobothnian regions, as its steering-group minutes of 11 May 2020, its 2011–2012 annual
//! report and its 2019–2020 briefings describe it (`shared/seeds/`, summarised in `domain.md`).
//!
//! Figures and dates the documents give are used exactly: Kansa-koulu III's 700 000 € at 100 %,
//! MONNI's 80 % / 20 % split over 2020–2022 and its board-level commitments due 18.6.2020, the
//! ESR call of 14.1.–29.3.2019, the 2020 statutory funding (8.19 % of 2.75 M€ = 225 225.00 €),
//! the Kaste projects' end dates. Where the documents give no figure, the value is illustrative
//! and marked so here with "(illustrative)": budgets' breakdowns, closing times of day, most
//! commitment amounts, populations (rounded 2020 figures). Business IDs are left out: the
//! documents give none, and a made-up Y-tunnus for a real body would mislead.
//!
//! The demo is told as of [`demo_now`], 19 May 2020, the week after the steering group met, so
//! that its deadlines lie ahead; `serve --demo` runs its clock from there unless `SALKKU_NOW`
//! says otherwise.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::change_request::{ChangeKind, PartDecision};
use salkku_domain::deadline::{end_of_day, helsinki};
use salkku_domain::document::DocumentOwner;
use salkku_domain::ids::{ApplicationId, DecisionId, GrantCallId, OrganizationId, ProgrammeId};
use salkku_domain::plan::{Plan as ProjectPlan, PlanDraft, PlanKey};
use salkku_domain::report::ReportKind;
use salkku_domain::{
    Amount, ApplicationStatus, CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory, DeadlineKind,
    DomainError, OrganizationKind, ParticipationRole, PaymentAmount, Rate, RegionCode,
};
use salkku_persistence::commands::allocations::{NewAllocation, NewPayment};
use salkku_persistence::commands::applications::{ApplicationChanges, NewApplication, NewParticipant};
use salkku_persistence::commands::calls::NewGrantCall;
use salkku_persistence::commands::change_requests::{Decision, NewChangeRequest, PartDecisionInput};
use salkku_persistence::commands::commitments::{CommitmentChanges, NewCommitment};
use salkku_persistence::commands::deadlines::NewDeadline;
use salkku_persistence::commands::decisions::NewDecision;
use salkku_persistence::commands::documents::NewDocument;
use salkku_persistence::commands::instalments::{NewInstalment, Plan};
use salkku_persistence::commands::organizations::NewOrganization;
use salkku_persistence::commands::programmes::NewProgramme;
use salkku_persistence::commands::reports::{NewReport, Submission, Verdict};
use salkku_persistence::commands::transitions::Transition;
use salkku_persistence::records::Application;

use crate::plans;
use salkku_persistence::{Actor, Change, ContentStore, Db, StoreError};
use salkku_persistence::{commands, views};

/// The demo's present: Tuesday 19 May 2020, 9.00 in Helsinki.
pub fn demo_now() -> DateTime<Utc> {
    helsinki(2020, 5, 19, 9, 0).unwrap_or_default()
}

/// What the demo created, for printing ready-made tokens.
#[derive(Debug, Clone)]
pub struct Demo {
    pub competence_centre: OrganizationId,
    pub ministry: OrganizationId,
    pub applications: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the database already holds data: the demo goes into an empty database only")]
    NotEmpty,
    #[error("storing the demo failed: {0}")]
    Store(#[from] StoreError),
    #[error("the demo's own data is invalid: {0}")]
    Data(#[from] DomainError),
}

/// Whether the database holds no organisation yet.
pub async fn is_empty(db: &Db) -> Result<bool, StoreError> {
    Ok(views::organizations::all_by_name(db.conn()).await?.is_empty())
}

/// The extract of the regional steering group's minutes 4/2020 on MONNI, as the seed documents
/// give it.
const MONNI_MINUTES: &str = "ETELÄ-POHJANMAAN SONet BOTNIAn ALUEELLINEN OHJAUSRYHMÄ\n\
Kokousmuistio 4/2020, maanantaina 11.5.2020 klo 10.00-12.00, Teams-kokous\n\n\
7 § MONNI-hanke\n\n\
Käsittely: Kunnilta ja kuntayhtymiltä on pyydetty lautakuntatasoiset sitoumukset 18.6.2020 mennessä. \
Toiveena omarahoitusosuudessa (=20 %) on, että se olisi riihikuivaa rahaa. Etelä-Pohjanmaalle palkataan \
yksi lastensuojelun koordinaattori ja lisäresurssia on mahdollista ostaa ostopalveluna alueiden tarpeisiin.\n\n\
Päätös: Hyväksytään MONNI-hankesuunnitelmaluonnos Etelä-Pohjanmaan SONet BOTNIAn alueellisessa \
ohjausryhmässä. Merkitään tiedoksi.\n";

fn demo_budget(lines: &[(CostCategory, i32, &str, &str)], state_aid: Amount) -> Result<Budget, SeedError> {
    let lines = lines
        .iter()
        .map(|(category, year, description, amount)| {
            BudgetLine::new(*category, *year, Some((*description).to_owned()), eur(amount)?)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Budget::new(lines, state_aid)?)
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Result<DateTime<Utc>, DomainError> {
    helsinki(y, m, d, h, min)
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, DomainError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DomainError::InvalidTime(format!("{y}-{m}-{d}").into()))
}

fn eur(amount: &str) -> Result<Amount, DomainError> {
    Amount::parse(amount)
}

fn regions(codes: &[&str]) -> Result<Vec<RegionCode>, DomainError> {
    codes.iter().map(|c| RegionCode::parse(c)).collect()
}

struct Seeder<'a> {
    db: &'a Db,
    actor: Actor,
}

impl Seeder<'_> {
    fn change(&self, at: DateTime<Utc>) -> Change<'_> {
        Change::new(&self.actor, "seedDemo", at)
    }

    async fn org(
        &self,
        name: &str,
        kind: OrganizationKind,
        region: Option<&str>,
        population: Option<i64>,
    ) -> Result<OrganizationId, SeedError> {
        let region = region.map(RegionCode::parse).transpose()?;
        let new = NewOrganization { name: name.into(), kind, business_id: None, region, population };
        Ok(commands::organizations::create(self.db, &self.change(demo_now()), new, None).await?.id)
    }

    async fn programme(&self, name: &str, funder: OrganizationId, rate: Option<u16>) -> Result<ProgrammeId, SeedError> {
        let max_aid_rate = rate.map(Rate::percent).transpose()?;
        Ok(commands::programmes::create(
            self.db,
            &self.change(demo_now()),
            NewProgramme { name: name.into(), funder, max_aid_rate },
            None,
        )
        .await?
        .id)
    }

    #[allow(clippy::too_many_arguments)]
    async fn call(
        &self,
        title: &str,
        funder: OrganizationId,
        programme: Option<ProgrammeId>,
        opens_at: Option<DateTime<Utc>>,
        closes_at: DateTime<Utc>,
        rate: u16,
        url: Option<&str>,
    ) -> Result<GrantCallId, SeedError> {
        let new = NewGrantCall {
            title: title.into(),
            funder,
            programme,
            opens_at,
            closes_at,
            max_aid_rate: Rate::percent(rate)?,
            in_kind_counts: false,
            envelope: None,
            url: url.map(str::to_owned),
            reallocation_tolerance: Rate::ZERO,
            report_schedule: None,
        };
        Ok(commands::calls::create(self.db, &self.change(demo_now()), new, None).await?.id)
    }

    async fn application(&self, new: NewApplication, created: DateTime<Utc>) -> Result<Application, SeedError> {
        Ok(commands::applications::create(self.db, &self.change(created), new, None).await?)
    }

    /// Moves the application through `moves`, each at its own time with its decision.
    async fn advance(
        &self,
        mut app: Application,
        moves: &[(ApplicationStatus, DateTime<Utc>, &str)],
    ) -> Result<Application, SeedError> {
        for (to, when, decision) in moves {
            let transition = Transition {
                to: *to,
                at: Some(*when),
                decision_ref: Some((*decision).to_owned()),
                decision: None,
                granted: None,
            };
            app = commands::transitions::transition(self.db, &self.change(*when), app.id, app.version, transition)
                .await?;
        }
        Ok(app)
    }

    /// What closing a project asks, as the Kaste projects' accounts stood: the final report with
    /// the actual costs as budgeted, accepted by STM, and the aid allocated and paid in full.
    async fn close_out(
        &self,
        app: &Application,
        funder: OrganizationId,
        actual: &[(CostCategory, i32, &str, &str)],
        aid: Amount,
        at: DateTime<Utc>,
    ) -> Result<Application, SeedError> {
        let change = self.change(at);
        let due_on = at.date_naive();
        let new = NewReport { application: app.id, kind: ReportKind::Final, due_on, title: None, states_costs: None };
        let report = commands::reports::add(self.db, &change, new, None).await?;
        let costs = demo_budget(actual, aid)?.lines().to_vec();
        let submission = Submission { actual_costs: costs, documents: Vec::new(), actuals: Vec::new() };
        let report = commands::reports::submit(self.db, &change, report.id, report.version, submission).await?;
        let verdict = Verdict::Accept { decision_ref: Some("loppuselvitys hyväksytty".into()), decision: None };
        commands::reports::decide(self.db, &change, report.id, report.version, verdict).await?;
        let grant = NewAllocation {
            funder,
            recipient: app.lead,
            application: Some(app.id),
            year: app.period_start.map_or(2011, |d| d.year()),
            amount: aid,
            decision_date: app.period_start,
            decision_ref: Some("STM:n valtionavustuspäätös (illustrative)".into()),
            decision: None,
        };
        let allocation = commands::allocations::record(self.db, &change, grant, None).await?;
        let payment = NewPayment {
            allocation: allocation.id,
            paid_on: due_on,
            amount: PaymentAmount::new(aid)?,
            reference: Some("maksettu kokonaan (illustrative)".into()),
            instalment: None,
        };
        commands::allocations::pay(self.db, &change, payment, None).await?;
        // Its final report set its reportDue, and its version with it.
        let missing = StoreError::NotFound { kind: salkku_domain::ids::NodeKind::Application, key: app.id.0 };
        Ok(views::applications::get(self.db.conn(), app.id).await?.ok_or(missing)?)
    }

    /// The plan of an application in preparation.
    async fn plan(&self, app: Application, draft: PlanDraft) -> Result<Application, SeedError> {
        let plan = ProjectPlan::new(draft).map_err(|e| SeedError::Data(e.error))?;
        Ok(commands::plans::set_plan(self.db, &self.change(demo_now()), app.id, app.version, plan).await?)
    }

    /// A budget whose lines belong to the plan's work packages, each named by its key (or by
    /// none, "").
    async fn budget_by_package(
        &self,
        app: Application,
        lines: &[(&str, CostCategory, i32, &str, &str)],
        state_aid: Amount,
    ) -> Result<Application, SeedError> {
        let plain: Vec<_> = lines.iter().map(|(_, c, y, d, a)| (*c, *y, *d, *a)).collect();
        let budget = demo_budget(&plain, state_aid)?;
        let assigned = budget
            .lines()
            .iter()
            .zip(lines)
            .map(|(line, (key, ..))| {
                let package = (!key.is_empty()).then(|| PlanKey::parse(key)).transpose()?;
                Ok(line.clone().with_work_package(package))
            })
            .collect::<Result<Vec<_>, DomainError>>()?;
        let budget = Budget::new(assigned, state_aid)?;
        Ok(commands::budgets::set_budget(self.db, &self.change(demo_now()), app.id, app.version, budget).await?)
    }

    async fn budget(
        &self,
        app: Application,
        lines: &[(CostCategory, i32, &str, &str)],
        state_aid: Amount,
    ) -> Result<Application, SeedError> {
        let budget = demo_budget(lines, state_aid)?;
        Ok(commands::budgets::set_budget(self.db, &self.change(demo_now()), app.id, app.version, budget).await?)
    }

    /// A decision on record.
    async fn decision(
        &self,
        organization: OrganizationId,
        body: &str,
        on: NaiveDate,
        reference: &str,
        summary: &str,
        application: Option<ApplicationId>,
    ) -> Result<DecisionId, SeedError> {
        let new = NewDecision {
            organization,
            body: Some(body.to_owned()),
            decided_on: on,
            reference: Some(reference.to_owned()),
            summary: Some(summary.to_owned()),
            application,
        };
        Ok(commands::decisions::record(self.db, &self.change(demo_now()), new, None).await?.id)
    }

    /// A municipal board's decision on its commitment to `application`, on record and pointed to
    /// by the commitment.
    async fn board_decision(
        &self,
        application: ApplicationId,
        organization: OrganizationId,
        body: &str,
        on: NaiveDate,
        reference: &str,
        summary: &str,
    ) -> Result<(), SeedError> {
        let decision = self.decision(organization, body, on, reference, summary, Some(application)).await?;
        let commitments = views::commitments::of_applications(self.db.conn(), &[application]).await?;
        for c in commitments.into_iter().filter(|c| c.organization == organization) {
            let changes = CommitmentChanges {
                decided_at: Some(Some(on)),
                decision_ref: Some(Some(format!("{body} {} {reference}", on.format("%-d.%-m.%Y")))),
                decision: Some(Some(decision)),
                ..Default::default()
            };
            commands::commitments::update(self.db, &self.change(demo_now()), c.id, c.version, changes).await?;
        }
        Ok(())
    }

    /// A document kept in the database.
    async fn document(
        &self,
        owner: DocumentOwner,
        owner_key: i64,
        file_name: &str,
        text: &str,
    ) -> Result<(), SeedError> {
        let new = NewDocument {
            owner,
            owner_key,
            file_name: file_name.to_owned(),
            content: text.as_bytes().to_vec(),
            max_bytes: salkku_domain::document::DEFAULT_MAX_BYTES,
        };
        commands::documents::attach(self.db, &ContentStore::Database, &self.change(demo_now()), new, None).await?;
        Ok(())
    }

    /// An extension asked for on `asked` and approved by the funder on `decided`.
    async fn extend(
        &self,
        app: Application,
        new_end: NaiveDate,
        asked: DateTime<Utc>,
        decided: DateTime<Utc>,
    ) -> Result<Application, SeedError> {
        let new = NewChangeRequest {
            application: app.id,
            justification: Some("käyttöajan pidennys: hankkeen toimenpiteet jatkuvat".into()),
            new_end: Some(new_end),
            lines: None,
            state_aid: None,
            content_change: None,
            plan: None,
            partners: vec![],
            submit: true,
        };
        let request = commands::change_requests::create(self.db, &self.change(asked), new, None).await?;
        let decision = Decision {
            decision_ref: Some("STM:n päätös käyttöajan pidennyksestä".into()),
            decision: None,
            parts: vec![PartDecisionInput {
                kind: ChangeKind::Extension,
                decision: PartDecision::Approved,
                approved_end: None,
                approved_lines: None,
                approved_state_aid: None,
                approved_plan: None,
                note: None,
            }],
        };
        commands::change_decisions::decide(self.db, &self.change(decided), request.id, request.version, decision)
            .await?;
        let extended = views::applications::get(self.db.conn(), app.id).await?;
        extended.ok_or_else(|| SeedError::Store(StoreError::corrupt("an extended project vanished")))
    }

    /// The grant decision, approving a budget other than the one applied for.
    async fn grant(
        &self,
        app: Application,
        when: DateTime<Utc>,
        decision: &str,
        lines: &[(CostCategory, i32, &str, &str)],
        state_aid: Amount,
    ) -> Result<Application, SeedError> {
        let transition = Transition {
            to: ApplicationStatus::Granted,
            at: Some(when),
            decision_ref: Some(decision.to_owned()),
            decision: None,
            granted: Some(demo_budget(lines, state_aid)?),
        };
        Ok(commands::transitions::transition(self.db, &self.change(when), app.id, app.version, transition).await?)
    }

    #[allow(clippy::too_many_arguments)]
    async fn commitment(
        &self,
        application: ApplicationId,
        organization: OrganizationId,
        amount: &str,
        kind: CommitmentKind,
        level: CommitmentLevel,
        status: CommitmentStatus,
        due_date: Option<NaiveDate>,
        decision_ref: Option<&str>,
    ) -> Result<(), SeedError> {
        let new = NewCommitment {
            application,
            organization,
            amount: eur(amount)?,
            kind,
            level,
            status,
            due_date,
            decided_at: None,
            decision_ref: decision_ref.map(str::to_owned),
            decision: None,
        };
        commands::commitments::add(self.db, &self.change(demo_now()), new, None).await?;
        Ok(())
    }

    async fn deadline(
        &self,
        kind: DeadlineKind,
        title: &str,
        due_at: DateTime<Utc>,
        tentative: bool,
        application: Option<ApplicationId>,
    ) -> Result<(), SeedError> {
        let new = NewDeadline { kind, title: title.into(), due_at, tentative, application, call: None };
        commands::deadlines::add(self.db, &self.change(demo_now()), new, None).await?;
        Ok(())
    }
}

fn participant(organization: OrganizationId, role: ParticipationRole) -> NewParticipant {
    NewParticipant { organization, role }
}

/// Writes the demo portfolio into an empty database.
pub async fn seed(db: &Db) -> Result<Demo, SeedError> {
    use CommitmentKind::{Cash, InKind};
    use CommitmentLevel::{Board, OfficeHolder};
    use CommitmentStatus::{Approved, Declined, Promised, Requested};
    use CostCategory::{Materials, Other, Overhead, Personnel, Premises, PurchasedServices, Travel};
    use OrganizationKind::{
        Agency, Company, CompetenceCentre, EuFund, HospitalDistrict, JointMunicipalAuthority, Ministry, Municipality,
        Ngo, RegionalCouncil, University,
    };

    if !is_empty(db).await? {
        return Err(SeedError::NotEmpty);
    }
    let s = Seeder { db, actor: Actor::system("salkku-demo") };

    // Funders.
    let stm = s.org("Sosiaali- ja terveysministeriö", Ministry, None, None).await?;
    s.org("Terveyden ja hyvinvoinnin laitos", Agency, None, None).await?;
    s.org("Valtiovarainministeriö", Ministry, None, None).await?;
    let esr = s.org("Euroopan sosiaalirahasto (ESR)", EuFund, None, None).await?;
    let ep_liitto = s.org("Etelä-Pohjanmaan liitto", RegionalCouncil, Some("14"), None).await?;

    // The centre and its partners.
    let sonet = s.org("SONet BOTNIA", CompetenceCentre, Some("14"), None).await?;
    let socom = s.org("Socom Oy", CompetenceCentre, Some("08"), None).await?;
    let seamk = s.org("Seinäjoen ammattikorkeakoulu Oy (SeAMK)", University, Some("14"), None).await?;
    let pikassos = s.org("Pikassos Oy", Company, Some("06"), None).await?;
    s.org("Pesäpuu ry", Ngo, Some("13"), None).await?;
    s.org("Suomen Kuntaliitto", Ngo, Some("01"), None).await?;

    // Municipalities, with rounded 2020 populations (illustrative).
    let seinajoki = s.org("Seinäjoen kaupunki", Municipality, Some("14"), Some(64_000)).await?;
    let vaasa = s.org("Vaasan kaupunki", Municipality, Some("15"), Some(67_500)).await?;
    let ilmajoki = s.org("Ilmajoen kunta", Municipality, Some("14"), Some(12_000)).await?;
    let lapua = s.org("Lapuan kaupunki", Municipality, Some("14"), Some(14_200)).await?;
    let tampere = s.org("Tampereen kaupunki", Municipality, Some("06"), Some(241_000)).await?;
    let hameenlinna = s.org("Hämeenlinnan kaupunki", Municipality, Some("05"), Some(67_500)).await?;

    // Joint municipal authorities.
    let eskoo = s
        .org(
            "Tuki- ja osaamiskeskus Eskoo (Eskoon sosiaalipalvelujen kuntayhtymä)",
            JointMunicipalAuthority,
            Some("14"),
            None,
        )
        .await?;
    s.org("Keski-Pohjanmaan sosiaali- ja terveyspalvelukuntayhtymä Soite", JointMunicipalAuthority, Some("16"), None)
        .await?;
    let jik = s.org("JIK peruspalveluliikelaitoskuntayhtymä", JointMunicipalAuthority, Some("14"), None).await?;
    let kuusiokunnat =
        s.org("Kuusiokuntien sosiaali- ja terveyskuntayhtymä", JointMunicipalAuthority, Some("14"), None).await?;
    s.org("Järvi-Pohjanmaan perusturva", JointMunicipalAuthority, Some("14"), None).await?;
    s.org("Suupohjan peruspalveluliikelaitoskuntayhtymä", JointMunicipalAuthority, Some("14"), None).await?;
    s.org("Kuntayhtymä Kaksineuvoinen", JointMunicipalAuthority, Some("14"), None).await?;
    let eteva = s.org("Kuntayhtymä Eteva", JointMunicipalAuthority, Some("01"), None).await?;

    // Hospital districts.
    let epshp = s.org("Etelä-Pohjanmaan sairaanhoitopiiri", HospitalDistrict, Some("14"), None).await?;
    s.org("Vaasan sairaanhoitopiiri", HospitalDistrict, Some("15"), None).await?;
    let pshp = s.org("Pirkanmaan sairaanhoitopiiri", HospitalDistrict, Some("06"), None).await?;
    s.org("Kanta-Hämeen sairaanhoitopiiri", HospitalDistrict, Some("05"), None).await?;

    // Programmes: the sote-keskus baskets are funded 100 % and 80 %.
    let kori1 = s.programme("Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma, hankekori 1", stm, Some(100)).await?;
    let kori2 = s.programme("Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma, hankekori 2", stm, Some(80)).await?;
    let kevat2020 = s.programme("STM:n valtionavustushaut, kevät 2020", stm, None).await?;
    // The code its projects' indicators share, so that the roll-up sums them (illustrative).
    let trained = salkku_domain::indicator::IndicatorCode::parse(plans::TRAINED)?;
    let name = "Koulutetut ammattilaiset".to_owned();
    let unit = salkku_domain::indicator::IndicatorUnit::Count;
    commands::plans::define_indicator(s.db, &s.change(demo_now()), kevat2020, trained, name, unit).await?;
    let rakennerahasto = s.programme("Kestävää kasvua ja työtä 2014–2020 (ESR)", esr, None).await?;
    let kaste = s.programme("Kaste – sosiaali- ja terveydenhuollon kansallinen kehittämisohjelma", stm, None).await?;

    const STM_2020: &str = "https://stm.fi/rahoitus-ja-avustukset/valtionavustukset/kevaan-2020-valtionavustushaut";
    // Opening dates of the spring 2020 calls and their closing times of day are illustrative.
    let kirjaus = s
        .call(
            "Sosiaalihuollon kirjaamisvalmennus",
            stm,
            Some(kevat2020),
            Some(at(2020, 3, 2, 8, 0)?),
            at(2020, 4, 30, 16, 15)?,
            100,
            Some(&format!("{STM_2020}#Sosiaalihuollon%20kirjaamisvalmennus")),
        )
        .await?;
    // Closing date illustrative: after the management board's meeting of 15.5.2020.
    let lastensuojelu = s
        .call(
            "Lastensuojelun kehittäminen",
            stm,
            Some(kevat2020),
            Some(at(2020, 3, 2, 8, 0)?),
            at(2020, 5, 29, 16, 15)?,
            80,
            Some(&format!("{STM_2020}#Lastensuojelun%20kehitt%C3%A4minen")),
        )
        .await?;
    // Open 14.1.–29.3.2019 as the briefing says; the aid rate is illustrative.
    let esr_call = s
        .call(
            "Työ, työkyky ja innovaatiot (ESR, erityistavoite 7.1)",
            esr,
            Some(rakennerahasto),
            Some(at(2019, 1, 14, 0, 0)?),
            at(2019, 3, 29, 16, 15)?,
            80,
            Some("https://stm.fi/rahoitus-ja-avustukset/eun-rakennerahastot/kaynnissa-olevat-hankehaut"),
        )
        .await?;
    // The baskets' guide appeared 16.12.2019; the closing date is illustrative.
    let kori1_call = s
        .call(
            "Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma, hankekori 1",
            stm,
            Some(kori1),
            Some(at(2019, 12, 16, 8, 0)?),
            at(2020, 2, 28, 16, 15)?,
            100,
            None,
        )
        .await?;
    s.call(
        "Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma, hankekori 2",
        stm,
        Some(kori2),
        Some(at(2019, 12, 16, 8, 0)?),
        at(2020, 2, 28, 16, 15)?,
        80,
        None,
    )
    .await?;
    // STM opened three mental-health calls on 5.5.2020; closing dates and rates illustrative.
    for title in [
        "Mielenterveysosaamisen vahvistaminen kunnissa",
        "Itsemurhien ehkäisy",
        "Työelämään kuntouttavien mielenterveyspalvelujen pilotointi",
    ] {
        s.call(title, stm, Some(kevat2020), Some(at(2020, 5, 5, 8, 0)?), at(2020, 6, 12, 16, 15)?, 100, Some(STM_2020))
            .await?;
    }
    let barometri_call = s
        .call(
            "Pohjalaismaakuntien hyvinvointibarometri 2021 – tarjouspyyntö",
            ep_liitto,
            None,
            None,
            at(2020, 5, 8, 16, 0)?,
            100,
            None,
        )
        .await?;
    let kaste_call =
        s.call("Kaste-ohjelman valtionavustushaku", stm, Some(kaste), None, at(2011, 2, 28, 16, 15)?, 75, None).await?;

    let three_regions = regions(&["14", "15", "16"])?;

    // 1. Kansa-koulu III: submitted 30.4.2020; about 700 000 €, 100 % state aid; a commitment
    // from the municipalities is enough. The breakdown by work package is illustrative.
    let kk3 = s
        .application(
            NewApplication {
                name: "Kansa-koulu III – sosiaalihuollon kirjaamisvalmennus".into(),
                acronym: Some("Kansa-koulu III".into()),
                description: Some("Digitaaliset kirjaamisvalmennukset sosiaalihuollon henkilöstölle, valtakunnallisesti osaamiskeskusten kanssa. Työpaketti 1: kirjaamisasiantuntijoiden määrän kasvattaminen. Työpaketti 2: kirjaamisasiantuntijoiden tukeminen ja osaamisen vahvistaminen.".into()),
                call: Some(kirjaus),
                lead: sonet,
                participants: vec![],
                regions: three_regions.clone(),
                period_start: Some(day(2020, 9, 1)?),
                period_end: Some(day(2022, 6, 30)?),
                report_due: None,
            },
            at(2020, 4, 6, 9, 0)?,
        )
        .await?;
    let kk3 = s.plan(kk3, plans::kansa_koulu(sonet, day(2022, 6, 30)?)).await?;
    let kk3 = s
        .budget_by_package(
            kk3,
            &[
                ("TP1", Personnel, 2020, "TP1: kirjaamisasiantuntijoiden kouluttaminen", "120000.00"),
                ("TP1", Personnel, 2021, "TP1: kirjaamisasiantuntijoiden kouluttaminen", "200000.00"),
                ("TP2", Personnel, 2021, "TP2: kirjaamisasiantuntijoiden tuki", "150000.00"),
                ("TP2", Personnel, 2022, "TP2: kirjaamisasiantuntijoiden tuki", "100000.00"),
                ("TP1", PurchasedServices, 2021, "digitaaliset valmennusalustat", "60000.00"),
                ("TP1", Materials, 2020, "uudet valmennusmateriaalit", "40000.00"),
                ("TP2", Travel, 2021, "valmentajaverkoston tapaamiset", "10000.00"),
                // Administration belongs to the project as a whole: unassigned.
                ("", Overhead, 2022, "hallinto", "20000.00"),
            ],
            eur("700000.00")?,
        )
        .await?;
    for municipality in [seinajoki, vaasa] {
        s.commitment(
            kk3.id,
            municipality,
            "0.00",
            Cash,
            OfficeHolder,
            Promised,
            None,
            Some("sitoumus hakemuksen liitteenä"),
        )
        .await?;
    }
    s.advance(
        kk3,
        &[
            (
                ApplicationStatus::InPreparation,
                at(2020, 4, 16, 10, 0)?,
                "Etelä-Pohjanmaan alueellinen ohjausryhmä 16.4.2020 § 4",
            ),
            (ApplicationStatus::Submitted, at(2020, 4, 30, 15, 0)?, "hakemus jätetty STM:lle 30.4.2020"),
        ],
    )
    .await?;

    // 2. MONNI: 2020–2022 in Kanta-Häme, Pirkanmaa and Etelä-Pohjanmaa with Pikassos Oy; 80 %
    // state aid, 20 % self-funding wished in cash; board-level commitments asked by 18.6.2020.
    // The budget ("with alternative calculations") and the commitment amounts are illustrative.
    let monni = s
        .application(
            NewApplication {
                name: "MONNI – Lastensuojelun monialainen kehittäminen Kanta-Hämeessä, Pirkanmaalla ja Etelä-Pohjanmaalla 2020–2022".into(),
                acronym: Some("MONNI".into()),
                description: Some("Tavoite 1: lastensuojelun asiakkaat ovat osallisina monialaisen palvelukokonaisuutensa keskiössä. Tavoite 2: lastensuojelun ammattilaiset toimivat systeemisen yhteistoiminnan ytimessä. Tavoite 3: monialaisella toimijaverkostolla on systemaattiset yhteistyörakenteet paikallisesti ja alueellisesti. Etelä-Pohjanmaalle palkataan lastensuojelun koordinaattori.".into()),
                call: Some(lastensuojelu),
                lead: sonet,
                participants: vec![participant(pikassos, ParticipationRole::CoImplementer), participant(epshp, ParticipationRole::Partner)],
                regions: regions(&["05", "06", "14"])?,
                period_start: Some(day(2020, 9, 1)?),
                period_end: Some(day(2022, 12, 31)?),
                report_due: None,
            },
            at(2020, 4, 16, 10, 30)?,
        )
        .await?;
    let monni = s.plan(monni, plans::monni(day(2022, 12, 31)?)).await?;
    let monni = s
        .budget(
            monni,
            &[
                (Personnel, 2020, "lastensuojelun koordinaattori, Etelä-Pohjanmaa", "20000.00"),
                (Personnel, 2021, "lastensuojelun koordinaattori, Etelä-Pohjanmaa", "60000.00"),
                (Personnel, 2022, "lastensuojelun koordinaattori, Etelä-Pohjanmaa", "60000.00"),
                (Personnel, 2020, "hankehenkilöstö, Pirkanmaa ja Kanta-Häme", "60000.00"),
                (Personnel, 2021, "hankehenkilöstö, Pirkanmaa ja Kanta-Häme", "180000.00"),
                (Personnel, 2022, "hankehenkilöstö, Pirkanmaa ja Kanta-Häme", "180000.00"),
                (PurchasedServices, 2021, "ostopalvelut alueiden tarpeisiin", "100000.00"),
                (PurchasedServices, 2022, "ostopalvelut alueiden tarpeisiin", "100000.00"),
                (Travel, 2020, "matkat", "10000.00"),
                (Travel, 2021, "matkat", "20000.00"),
                (Travel, 2022, "matkat", "20000.00"),
                (Overhead, 2020, "yleiskulut", "10000.00"),
                (Overhead, 2021, "yleiskulut", "40000.00"),
                (Overhead, 2022, "yleiskulut", "40000.00"),
            ],
            eur("720000.00")?,
        )
        .await?;
    let by_18_june = Some(day(2020, 6, 18)?);
    for (organization, amount, kind, status) in [
        (seinajoki, "40000.00", Cash, Approved),
        (tampere, "50000.00", Cash, Promised),
        (hameenlinna, "30000.00", Cash, Requested),
        (epshp, "20000.00", Cash, Promised),
        (pshp, "15000.00", InKind, Promised),
        (kuusiokunnat, "10000.00", Cash, Requested),
        (jik, "10000.00", Cash, Declined),
    ] {
        s.commitment(monni.id, organization, amount, kind, Board, status, by_18_june, None).await?;
    }
    // The boards' decisions on record so far (illustrative dates and sections; the rest were
    // asked for by 18.6.2020): Seinäjoki approved its share, JIK declined.
    for (organization, body, on, section, summary) in [
        (
            seinajoki,
            "kaupunginhallitus",
            day(2020, 5, 18)?,
            "§ 201",
            "Seinäjoen kaupunki osallistuu MONNI-hankkeeseen 40 000 euron omarahoitusosuudella 2020–2022.",
        ),
        (jik, "yhtymähallitus", day(2020, 5, 14)?, "§ 58", "JIK ei osallistu MONNI-hankkeen rahoitukseen."),
    ] {
        s.board_decision(monni.id, organization, body, on, section, summary).await?;
    }
    // The regional steering group approved the project plan (minutes 4/2020, § 7); its extract
    // is on record as a document.
    let approval = s
        .decision(
            sonet,
            "Etelä-Pohjanmaan alueellinen ohjausryhmä",
            day(2020, 5, 11)?,
            "§ 7",
            "Hyväksytään MONNI-hankesuunnitelmaluonnos Etelä-Pohjanmaan SONet BOTNIAn alueellisessa ohjausryhmässä.",
            Some(monni.id),
        )
        .await?;
    s.document(DocumentOwner::Decision, approval.0, "kokousmuistio-4-2020-7.txt", MONNI_MINUTES).await?;
    let to_preparation = Transition {
        to: ApplicationStatus::InPreparation,
        at: Some(at(2020, 5, 11, 11, 0)?),
        decision_ref: Some("Etelä-Pohjanmaan alueellinen ohjausryhmä 11.5.2020 § 7".into()),
        decision: Some(approval),
        granted: None,
    };
    commands::transitions::transition(db, &s.change(at(2020, 5, 11, 11, 0)?), monni.id, monni.version, to_preparation)
        .await?;

    // 3. TIESA: an idea of 14.3.2019 for the ESR call closing 29.3.2019; two of the three regions
    // declined, so it never became an application.
    let tiesa = s
        .application(
            NewApplication {
                name: "Tietoon pohjautuva toiminta ja osallisuus työhyvinvoinnin avaimena sosiaalihuollossa".into(),
                acronym: Some("TIESA".into()),
                description: Some("Hankeidea 14.3.2019: tietojohtaminen, tiedolla johtaminen sekä inhimillisen pääoman johtaminen ja työntekijän tuki; painopiste aikuissosiaalityössä. Koordinointi Socom.".into()),
                call: Some(esr_call),
                lead: sonet,
                participants: vec![participant(socom, ParticipationRole::Partner)],
                regions: three_regions.clone(),
                period_start: None,
                period_end: None,
                report_due: None,
            },
            at(2019, 3, 14, 12, 0)?,
        )
        .await?;
    s.advance(
        tiesa,
        &[(
            ApplicationStatus::Withdrawn,
            at(2019, 3, 25, 12, 0)?,
            "Keski-Pohjanmaan alueellinen ohjausryhmä 15.3.2019: ei osallistu; Pohjanmaa ei lähde mukaan",
        )],
    )
    .await?;

    // 4. Digital social work: a possible ESR project of the competence-centre network, "by
    // 15.6.2022?" — an uncertain, tentative deadline.
    let digi = s
        .application(
            NewApplication {
                name: "Digitaalisen sosiaalityön osaamiskeskusverkoston ESR-hanke".into(),
                acronym: None,
                description: Some("Selvitetään digitaalisen sosiaalityön kehittämisrahoitusta valtakunnallisesti osaamiskeskusverkostona.".into()),
                call: None,
                lead: sonet,
                participants: vec![],
                regions: three_regions.clone(),
                period_start: None,
                period_end: None,
                report_due: None,
            },
            at(2020, 5, 11, 12, 0)?,
        )
        .await?;
    s.deadline(
        DeadlineKind::Custom,
        "Digitaalisen sosiaalityön ESR-hakemus valmiina (15.6.2022 mennessä?)",
        end_of_day(day(2022, 6, 15)?),
        true,
        Some(digi.id),
    )
    .await?;

    // 5. The welfare barometer 2021: a preliminary tender to the Regional Council with SeAMK;
    // one month of SONet BOTNIA's work is paid, the rest free. Amounts illustrative.
    let barometri = s
        .application(
            NewApplication {
                name: "Pohjalaismaakuntien hyvinvointibarometri 2021".into(),
                acronym: None,
                description: Some("SeAMKilla tutkimuspainotus; SONet BOTNIA vahvistaa sosiaalipoliittista asiantuntemusta (maksullinen 1 kk työpanos), päivittää yhteystiedot, tukee barometriviestintää ja järjestää tulkintatyöpajat (maksutta).".into()),
                call: Some(barometri_call),
                lead: seamk,
                participants: vec![participant(sonet, ParticipationRole::CoImplementer), participant(ep_liitto, ParticipationRole::Funder)],
                regions: three_regions.clone(),
                period_start: Some(day(2021, 1, 1)?),
                period_end: Some(day(2021, 12, 31)?),
                report_due: None,
            },
            at(2020, 4, 20, 9, 0)?,
        )
        .await?;
    let barometri = s
        .budget(
            barometri,
            &[
                (Personnel, 2021, "SeAMK: tutkimuksen toteutus", "38000.00"),
                (Personnel, 2021, "SONet BOTNIA: sosiaalipoliittinen asiantuntemus, 1 kk", "5500.00"),
                (Other, 2021, "SONet BOTNIA: viestintä ja tulkintatyöpajat (maksutta)", "0.00"),
            ],
            eur("43500.00")?,
        )
        .await?;
    s.advance(
        barometri,
        &[
            (ApplicationStatus::InPreparation, at(2020, 4, 20, 9, 0)?, "SeAMK ja SONet BOTNIA"),
            (
                ApplicationStatus::Submitted,
                at(2020, 5, 8, 12, 0)?,
                "alustava tarjous jätetty Etelä-Pohjanmaan liitolle",
            ),
        ],
    )
    .await?;

    // 6. The social ombudsman service: a paid service for municipalities that must cover all its
    // costs (1–2 full-time staff); the centre must never carry a cost gap. Amounts illustrative.
    let asiamies = s
        .application(
            NewApplication {
                name: "Sosiaaliasiamiestoiminta SONet BOTNIAn palvelutoimintana".into(),
                acronym: None,
                description: Some("Eskoon sosiaaliasiamiestoiminnan siirto SONet BOTNIAlle maksullisena palvelutoimintana kunnille; korvaus kattaa kaikki toiminnan kulut. Johtoryhmä 3.4.2020 § 4: kannatettava, käsittely jatkuu 29.5.2020.".into()),
                call: None,
                lead: sonet,
                participants: vec![participant(eskoo, ParticipationRole::Partner)],
                regions: three_regions.clone(),
                period_start: Some(day(2021, 1, 1)?),
                period_end: None,
                report_due: None,
            },
            at(2020, 4, 3, 12, 0)?,
        )
        .await?;
    let asiamies = s
        .budget(
            asiamies,
            &[
                (Personnel, 2021, "sosiaaliasiamies, 1,5 henkilötyövuotta", "95000.00"),
                (Premises, 2021, "tilat", "6000.00"),
                (Travel, 2021, "matkat", "5000.00"),
                (Other, 2021, "koulutus, työnohjaus, puhelin- ja atk-kulut", "9000.00"),
            ],
            Amount::ZERO,
        )
        .await?;
    for (municipality, amount) in
        [(seinajoki, "45000.00"), (vaasa, "40000.00"), (ilmajoki, "15000.00"), (lapua, "15000.00")]
    {
        s.commitment(asiamies.id, municipality, amount, Cash, Board, Requested, Some(day(2020, 9, 30)?), None).await?;
    }
    s.deadline(
        DeadlineKind::DecisionExpected,
        "Johtoryhmä jatkaa sosiaaliasiamiestoiminnan siirron käsittelyä",
        at(2020, 5, 29, 9, 0)?,
        false,
        Some(asiamies.id),
    )
    .await?;

    // 7. A sote-keskus basket-1 project in Etelä-Pohjanmaa, granted and running (illustrative:
    // the documents name the programme, not this project's figures).
    let sote = s
        .application(
            NewApplication {
                name: "Etelä-Pohjanmaan Tulevaisuuden sosiaali- ja terveyskeskus -hanke".into(),
                acronym: None,
                description: Some(
                    "Maakunnan yksi hanke; SONet BOTNIA tukee sosiaalihuollon osuuden valmistelua.".into(),
                ),
                call: Some(kori1_call),
                lead: seinajoki,
                participants: vec![participant(sonet, ParticipationRole::Partner)],
                regions: regions(&["14"])?,
                period_start: Some(day(2020, 1, 1)?),
                period_end: Some(day(2021, 12, 31)?),
                report_due: None,
            },
            at(2020, 1, 15, 9, 0)?,
        )
        .await?;
    let sote = s
        .budget(
            sote,
            &[
                (Personnel, 2020, "hankehenkilöstö", "800000.00"),
                (Personnel, 2021, "hankehenkilöstö", "1000000.00"),
                (PurchasedServices, 2020, "kehittämisen ostopalvelut", "200000.00"),
                (PurchasedServices, 2021, "kehittämisen ostopalvelut", "400000.00"),
            ],
            eur("2400000.00")?,
        )
        .await?;
    let sote = s
        .advance(
            sote,
            &[
                (ApplicationStatus::InPreparation, at(2020, 1, 15, 9, 0)?, "maakunnan sote-johto"),
                (ApplicationStatus::Submitted, at(2020, 2, 27, 14, 0)?, "hakemus jätetty STM:lle"),
            ],
        )
        .await?;
    // STM granted less than applied for: 2021's personnel and purchased services cut by
    // 100 000 € each, 2 200 000 € of costs at 100 %.
    let sote = s
        .grant(
            sote,
            at(2020, 4, 20, 12, 0)?,
            "STM:n valtionavustuspäätös",
            &[
                (Personnel, 2020, "hankehenkilöstö", "800000.00"),
                (Personnel, 2021, "hankehenkilöstö", "900000.00"),
                (PurchasedServices, 2020, "kehittämisen ostopalvelut", "200000.00"),
                (PurchasedServices, 2021, "kehittämisen ostopalvelut", "300000.00"),
            ],
            eur("2200000.00")?,
        )
        .await?;
    let sote = s.advance(sote, &[(ApplicationStatus::Active, at(2020, 5, 1, 8, 0)?, "hanke käynnistyy")]).await?;
    // The programmes were later extended to the end of 2022.
    commands::applications::update(
        db,
        &s.change(demo_now()),
        sote.id,
        sote.version,
        ApplicationChanges {
            period_end: Some(Some(day(2022, 12, 31)?)),
            report_due: Some(Some(day(2023, 4, 30)?)),
            ..Default::default()
        },
    )
    .await?;
    let sote_grant = commands::allocations::record(
        db,
        &s.change(demo_now()),
        NewAllocation {
            funder: stm,
            recipient: seinajoki,
            application: Some(sote.id),
            year: 2020,
            amount: eur("1200000.00")?,
            decision_date: Some(day(2020, 4, 20)?),
            decision_ref: Some("STM:n valtionavustuspäätös (illustrative)".into()),
            decision: None,
        },
        None,
    )
    .await?;
    // Its reports: an interim report by 28.2.2021 besides the final one, and the aid paid in two
    // instalments, the second held until the final report is accepted.
    let interim = NewReport {
        application: sote.id,
        kind: ReportKind::Interim,
        due_on: day(2021, 2, 28)?,
        title: None,
        states_costs: Some(false),
    };
    commands::reports::add(db, &s.change(demo_now()), interim, None).await?;
    let final_report = views::reports::of_applications(db.conn(), &[sote.id])
        .await?
        .into_iter()
        .find(|r| r.kind == ReportKind::Final)
        .map(|r| r.id);
    let half = PaymentAmount::new(eur("600000.00")?)?;
    let plan = Plan::These(vec![
        NewInstalment { due_on: day(2020, 5, 15)?, amount: half, condition: None, label: Some("1. maksuerä".into()) },
        NewInstalment {
            due_on: day(2023, 4, 30)?,
            amount: half,
            condition: final_report,
            label: Some("2. maksuerä".into()),
        },
    ]);
    commands::instalments::plan(db, &s.change(demo_now()), sote_grant.id, plan, None).await?;
    let first = views::instalments::of_allocations(db.conn(), &[sote_grant.id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::corrupt("the demo's first instalment is missing"))?;
    let first = commands::instalments::request(db, &s.change(demo_now()), first.id, first.version).await?;
    commands::allocations::pay(
        db,
        &s.change(demo_now()),
        NewPayment {
            allocation: sote_grant.id,
            paid_on: day(2020, 5, 15)?,
            amount: half,
            reference: Some("1. maksuerä".into()),
            instalment: Some(first.id),
        },
        None,
    )
    .await?;

    // 8. The Kaste projects of 2011–2012 with their end dates; budgets illustrative, rate 75 %.
    let october = |y| day(y, 10, 31);
    let kaste_projects = [
        ("Kasperi I ja II – Pohjanmaan Perhe-Kaste", vaasa, vec!["15"], october(2013)?, None),
        (
            "SOS-hanke – aikuissosiaalityön kehittäminen",
            sonet,
            vec!["14", "15", "16"],
            october(2013)?,
            Some(october(2015)?),
        ),
        ("Valtakunnallinen vammaispalveluhanke 2010–2012", eteva, vec!["14", "15"], october(2013)?, None),
        (
            "LasSe – lastensuojelutarpeen selvitystä kehittävä hanke",
            sonet,
            vec!["14", "15", "16"],
            october(2015)?,
            None,
        ),
        ("Potku II", sonet, vec!["14", "15", "16"], october(2014)?, None),
        ("Välittäjä II", epshp, vec!["14"], october(2013)?, None),
        ("Äldrekaste ja IkäKaste", sonet, vec!["15", "16"], october(2013)?, None),
    ];
    let kaste_count = kaste_projects.len();
    for (name, lead, codes, end, extended_to) in kaste_projects {
        let app = s
            .application(
                NewApplication {
                    name: name.into(),
                    acronym: None,
                    description: None,
                    call: Some(kaste_call),
                    lead,
                    participants: if lead == sonet {
                        vec![]
                    } else {
                        vec![participant(sonet, ParticipationRole::Partner)]
                    },
                    regions: regions(&codes)?,
                    period_start: Some(day(2011, 1, 1)?),
                    period_end: Some(end),
                    report_due: None,
                },
                at(2011, 1, 10, 9, 0)?,
            )
            .await?;
        let app = s
            .budget(app, &[(Personnel, 2011, "hankehenkilöstö (illustrative)", "400000.00")], eur("300000.00")?)
            .await?;
        s.commitment(app.id, lead, "100000.00", Cash, Board, Approved, None, Some("omarahoitusosuus (illustrative)"))
            .await?;
        let closed_at = at(end.year(), 11, 30, 12, 0)?;
        let app = s
            .advance(
                app,
                &[
                    (ApplicationStatus::InPreparation, at(2011, 1, 10, 9, 0)?, "Kaste-valmistelu"),
                    (ApplicationStatus::Submitted, at(2011, 2, 28, 12, 0)?, "hakemus jätetty"),
                    (ApplicationStatus::Granted, at(2011, 5, 31, 12, 0)?, "STM:n valtionavustuspäätös"),
                    (ApplicationStatus::Active, at(2011, 6, 1, 8, 0)?, "hanke käynnistyy"),
                ],
            )
            .await?;
        let app = match extended_to {
            // The extension went through a change request, decided by STM.
            Some(new_end) => s.extend(app, new_end, at(2013, 5, 2, 9, 0)?, at(2013, 6, 1, 9, 0)?).await?,
            None => app,
        };
        let closed_at = match extended_to {
            Some(new_end) => at(new_end.year(), 11, 30, 12, 0)?,
            None => closed_at,
        };
        let app = s
            .close_out(
                &app,
                stm,
                &[(Personnel, 2011, "hankehenkilöstö (illustrative)", "400000.00")],
                eur("300000.00")?,
                closed_at,
            )
            .await?;
        s.advance(app, &[(ApplicationStatus::Closed, closed_at, "loppuselvitys hyväksytty")]).await?;
    }

    // 9. Statutory funding of the centre: about 290 000 € a year in 2011–2012 (approximate, as
    // the report says "noin"), and for 2020 SONet BOTNIA's 8.19 % of 2.75 M€.
    for year in [2011, 2012] {
        let allocation = commands::allocations::record(
            db,
            &s.change(demo_now()),
            NewAllocation {
                funder: stm,
                recipient: sonet,
                application: None,
                year,
                amount: eur("290000.00")?,
                decision_date: None,
                decision_ref: Some(format!("STM:n valtionosuus osaamiskeskustoimintaan {year} (noin)")),
                decision: None,
            },
            None,
        )
        .await?;
        commands::allocations::pay(
            db,
            &s.change(demo_now()),
            NewPayment {
                allocation: allocation.id,
                paid_on: day(year, 3, 31)?,
                amount: PaymentAmount::new(Amount::new(allocation.amount)?)?,
                reference: None,
                instalment: None,
            },
            None,
        )
        .await?;
    }
    let national_2020 = eur("2750000.00")?;
    let share_2020 = Amount::new(Rate::parse("8.19")?.max_share_of(national_2020.money()))?;
    let statutory_2020 = commands::allocations::record(
        db,
        &s.change(demo_now()),
        NewAllocation {
            funder: stm,
            recipient: sonet,
            application: None,
            year: 2020,
            amount: share_2020,
            decision_date: None,
            decision_ref: Some(
                "STM: osaamiskeskusten valtakunnallinen rahoitus 2020, SONet BOTNIAn osuus 8,19 % × 2 750 000 €".into(),
            ),
            decision: None,
        },
        None,
    )
    .await?;
    commands::allocations::pay(
        db,
        &s.change(demo_now()),
        NewPayment {
            allocation: statutory_2020.id,
            paid_on: day(2020, 3, 31)?,
            amount: PaymentAmount::new(eur("112612.50")?)?,
            reference: Some("1. maksuerä (illustrative)".into()),
            instalment: None,
        },
        None,
    )
    .await?;

    Ok(Demo { competence_centre: sonet, ministry: stm, applications: 7 + kaste_count })
}
