//! The project plan (hankesuunnitelma): its objectives (tavoitteet), its work packages
//! (työpaketit) and the indicators that measure both. A plan is written as a whole, with a key
//! for each part ("T1", "TP2", "M3") that stays the part's name across versions: the budget's
//! lines name their work package by it, the plan's versions are compared by it, and an indicator
//! keeps its reported actuals through every change that keeps its key.
//!
//! The plan is edited freely until the application is submitted; after that it is the plan as
//! applied for and, once granted, changes only through an approved content change request.
//! Every budget version carries the plan that was in force with it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;

use crate::budget::BudgetLine;
use crate::codes::code_list;
use crate::ids::OrganizationId;
use crate::indicator::{IndicatorCode, IndicatorUnit, Measure, check_unit_matches};
use crate::labels::Language;
pub use crate::plan_key::PlanKey;
use crate::text::{MAX_NAME, MAX_REFERENCE};
use crate::{ApplicationStatus, DomainError, Money};

/// The most parts of each kind a plan holds; a real plan has a handful.
pub const MAX_PARTS: usize = 100;

/// A plan as written: every field as text, checked by [`Plan::new`]. Also the form a budget
/// version keeps its plan in.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlanDraft {
    pub objectives: Vec<ObjectiveDraft>,
    pub work_packages: Vec<WorkPackageDraft>,
    pub indicators: Vec<IndicatorDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectiveDraft {
    pub key: String,
    pub text: String,
    /// The language it is written in: "fi", "sv" or "en".
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WorkPackageDraft {
    pub key: String,
    pub title: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub lead: Option<OrganizationId>,
    /// The keys of the objectives it serves.
    pub objectives: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorDraft {
    pub key: String,
    /// The objective it measures, or else the work package.
    pub objective: Option<String>,
    pub work_package: Option<String>,
    pub code: Option<String>,
    pub name: String,
    pub unit: IndicatorUnit,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub target_on: Option<NaiveDate>,
    /// The figures are the service's illustration, not the project's documents.
    pub illustrative: bool,
}

/// A rule a plan breaks, and where (`indicators[2].target`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub at: String,
    pub error: DomainError,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.error)
    }
}

fn at(path: String) -> impl FnOnce(DomainError) -> PlanError {
    move |error| PlanError { at: path, error }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    pub key: PlanKey,
    pub text: String,
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPackage {
    pub key: PlanKey,
    pub title: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub lead: Option<OrganizationId>,
    pub objectives: Vec<PlanKey>,
}

/// What an indicator measures: an objective or a work package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measures {
    Objective(PlanKey),
    WorkPackage(PlanKey),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub key: PlanKey,
    pub measures: Measures,
    pub code: Option<IndicatorCode>,
    pub name: String,
    pub unit: IndicatorUnit,
    pub baseline: Option<Measure>,
    pub target: Option<Measure>,
    pub target_on: Option<NaiveDate>,
    pub illustrative: bool,
}

/// A plan whose every part is well formed and whose references hold. Built only by
/// [`Plan::new`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    objectives: Vec<Objective>,
    work_packages: Vec<WorkPackage>,
    indicators: Vec<Indicator>,
}

impl Plan {
    /// Checks a written plan: each part well formed, every key used once in the whole plan, a
    /// work package's objectives and an indicator's objective or work package in the plan, an
    /// indicator's baseline and target in its unit, and a target with the date it is due by.
    pub fn new(draft: PlanDraft) -> Result<Plan, PlanError> {
        for (what, n) in [
            ("objectives", draft.objectives.len()),
            ("workPackages", draft.work_packages.len()),
            ("indicators", draft.indicators.len()),
        ] {
            if n > MAX_PARTS {
                return Err(at(what.to_owned())(DomainError::InvalidCode(crate::message!(
                    fi: "suunnitelmassa on enintään {MAX_PARTS} osaa kutakin lajia",
                    sv: "en plan har högst {MAX_PARTS} delar av varje slag",
                    en: "a plan holds at most {MAX_PARTS} parts of each kind",
                ))));
            }
        }
        let mut keys = BTreeSet::new();
        let mut key = |path: String, input: &str| -> Result<PlanKey, PlanError> {
            let key = PlanKey::parse(input).map_err(at(path.clone()))?;
            if !keys.insert(key.clone()) {
                return Err(at(path)(DomainError::InvalidCode(crate::message!(
                    fi: "tunnus {key} on jo käytössä tässä suunnitelmassa",
                    sv: "nyckeln {key} används redan i den här planen",
                    en: "the key {key} is already used in this plan",
                ))));
            }
            Ok(key)
        };
        let mut objectives = Vec::with_capacity(draft.objectives.len());
        for (i, o) in draft.objectives.iter().enumerate() {
            let path = |f: &str| format!("objectives[{i}].{f}");
            objectives.push(Objective {
                key: key(path("key"), &o.key)?,
                text: crate::text::required("an objective", &o.text, MAX_REFERENCE).map_err(at(path("text")))?,
                language: Language::parse(&o.language).map_err(at(path("language")))?,
            });
        }
        let objective_keys: BTreeSet<&PlanKey> = objectives.iter().map(|o| &o.key).collect();
        let known = |set: &BTreeSet<&PlanKey>, path: String, input: &str, what: &str| -> Result<PlanKey, PlanError> {
            let k = PlanKey::parse(input).map_err(at(path.clone()))?;
            if set.contains(&k) {
                return Ok(k);
            }
            Err(at(path)(DomainError::InvalidCode(crate::message!(
                fi: "suunnitelmassa ei ole osaa {k} ({what})",
                sv: "planen har ingen del {k} ({what})",
                en: "the plan has no {what} {k}",
            ))))
        };
        let mut work_packages = Vec::with_capacity(draft.work_packages.len());
        for (i, w) in draft.work_packages.iter().enumerate() {
            let path = |f: &str| format!("workPackages[{i}].{f}");
            let key = key(path("key"), &w.key)?;
            let title =
                crate::text::required("a work package's title", &w.title, MAX_NAME).map_err(at(path("title")))?;
            crate::period::check_project_period(w.starts_on, w.ends_on).map_err(at(path("endsOn")))?;
            let mut serves = Vec::new();
            for (j, o) in w.objectives.iter().enumerate() {
                let k = known(&objective_keys, path(&format!("objectives[{j}]")), o, "objective")?;
                if !serves.contains(&k) {
                    serves.push(k);
                }
            }
            work_packages.push(WorkPackage {
                key,
                title,
                starts_on: w.starts_on,
                ends_on: w.ends_on,
                lead: w.lead,
                objectives: serves,
            });
        }
        let package_keys: BTreeSet<&PlanKey> = work_packages.iter().map(|w| &w.key).collect();
        let mut indicators = Vec::with_capacity(draft.indicators.len());
        for (i, d) in draft.indicators.iter().enumerate() {
            let path = |f: &str| format!("indicators[{i}].{f}");
            let key = key(path("key"), &d.key)?;
            let measures = match (&d.objective, &d.work_package) {
                (Some(o), None) => Measures::Objective(known(&objective_keys, path("objective"), o, "objective")?),
                (None, Some(w)) => Measures::WorkPackage(known(&package_keys, path("workPackage"), w, "work package")?),
                _ => {
                    return Err(at(path("objective"))(DomainError::InvalidCode(crate::message!(
                        fi: "mittari mittaa joko tavoitetta tai työpakettia: anna toinen niistä",
                        sv: "en indikator mäter antingen ett mål eller ett arbetspaket: ange det ena",
                        en: "an indicator measures either an objective or a work package: name one of them",
                    ))));
                }
            };
            let code = d.code.as_deref().map(IndicatorCode::parse).transpose().map_err(at(path("code")))?;
            let name = crate::text::required("an indicator's name", &d.name, MAX_NAME).map_err(at(path("name")))?;
            let value = |f: &str, v: &Option<String>| -> Result<Option<Measure>, PlanError> {
                v.as_deref().map(|v| Measure::parse(d.unit, v)).transpose().map_err(at(path(f)))
            };
            let baseline = value("baseline", &d.baseline)?;
            let target = value("target", &d.target)?;
            if target.is_some() != d.target_on.is_some() {
                return Err(at(path("targetOn"))(DomainError::InvalidPeriod(crate::message!(
                    fi: "tavoitearvolla on päivä, johon mennessä se saavutetaan, eikä päivää ilman arvoa",
                    sv: "ett målvärde har ett datum då det ska nås, och inget datum utan värde",
                    en: "a target comes with the date it is due by, and a date with a target",
                ))));
            }
            indicators.push(Indicator {
                key,
                measures,
                code,
                name,
                unit: d.unit,
                baseline,
                target,
                target_on: d.target_on,
                illustrative: d.illustrative,
            });
        }
        Ok(Plan { objectives, work_packages, indicators })
    }

    pub fn objectives(&self) -> &[Objective] {
        &self.objectives
    }

    pub fn work_packages(&self) -> &[WorkPackage] {
        &self.work_packages
    }

    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    pub fn is_empty(&self) -> bool {
        self.objectives.is_empty() && self.work_packages.is_empty() && self.indicators.is_empty()
    }

    pub fn work_package(&self, key: &PlanKey) -> Option<&WorkPackage> {
        self.work_packages.iter().find(|w| &w.key == key)
    }

    /// The plan as written back: what a budget version keeps, and what a diff compares.
    pub fn draft(&self) -> PlanDraft {
        PlanDraft {
            objectives: self
                .objectives
                .iter()
                .map(|o| ObjectiveDraft {
                    key: o.key.to_string(),
                    text: o.text.clone(),
                    language: o.language.code().to_owned(),
                })
                .collect(),
            work_packages: self
                .work_packages
                .iter()
                .map(|w| WorkPackageDraft {
                    key: w.key.to_string(),
                    title: w.title.clone(),
                    starts_on: w.starts_on,
                    ends_on: w.ends_on,
                    lead: w.lead,
                    objectives: w.objectives.iter().map(PlanKey::to_string).collect(),
                })
                .collect(),
            indicators: self
                .indicators
                .iter()
                .map(|i| IndicatorDraft {
                    key: i.key.to_string(),
                    objective: match &i.measures {
                        Measures::Objective(k) => Some(k.to_string()),
                        Measures::WorkPackage(_) => None,
                    },
                    work_package: match &i.measures {
                        Measures::WorkPackage(k) => Some(k.to_string()),
                        Measures::Objective(_) => None,
                    },
                    code: i.code.as_ref().map(IndicatorCode::to_string),
                    name: i.name.clone(),
                    unit: i.unit,
                    baseline: i.baseline.as_ref().map(Measure::to_string),
                    target: i.target.as_ref().map(Measure::to_string),
                    target_on: i.target_on,
                    illustrative: i.illustrative,
                })
                .collect(),
        }
    }

    /// Checks the plan against its project: a work package's lead takes part in the project, and
    /// its period lies within the project's, where both are known.
    pub fn check_fits(
        &self,
        project_start: Option<NaiveDate>,
        project_end: Option<NaiveDate>,
        participants: &BTreeSet<OrganizationId>,
    ) -> Result<(), PlanError> {
        for (i, w) in self.work_packages.iter().enumerate() {
            if let Some(lead) = w.lead
                && !participants.contains(&lead)
            {
                return Err(at(format!("workPackages[{i}].leadOrganizationId"))(DomainError::InvalidCode(
                    crate::message!(
                        fi: "työpaketin vastuuorganisaatio on yksi hankkeen osallistujista",
                        sv: "arbetspaketets ansvariga organisation är en av projektets deltagare",
                        en: "a work package is led by one of the project's participants",
                    ),
                )));
            }
            // Its start and its end, each where given, lie within the project's period.
            let outside = |d: Option<NaiveDate>| {
                d.is_some_and(|d| project_start.is_some_and(|p| d < p) || project_end.is_some_and(|p| d > p))
            };
            let (early, late) = (outside(w.starts_on), outside(w.ends_on));
            if early || late {
                return Err(at(format!("workPackages[{i}].{}", if early { "startsOn" } else { "endsOn" }))(
                    DomainError::InvalidPeriod(crate::message!(
                        fi: "työpaketti ajoittuu hankkeen kaudelle",
                        sv: "arbetspaketet ligger inom projektets period",
                        en: "a work package lies within the project's period",
                    )),
                ));
            }
        }
        Ok(())
    }

    /// Checks the codes the indicators name against those the project's programme defines: each
    /// defined, and in the unit it is defined in.
    pub fn check_codes(&self, defined: &BTreeMap<IndicatorCode, IndicatorUnit>) -> Result<(), PlanError> {
        for (i, indicator) in self.indicators.iter().enumerate() {
            let Some(code) = &indicator.code else { continue };
            let path = format!("indicators[{i}].code");
            let Some(unit) = defined.get(code) else {
                return Err(at(path)(DomainError::InvalidCode(crate::message!(
                    fi: "hankkeen ohjelma ei määrittele mittaria {code}",
                    sv: "projektets program definierar ingen indikator {code}",
                    en: "the project's programme defines no indicator {code}",
                ))));
            };
            check_unit_matches(code, *unit, indicator.unit).map_err(at(format!("indicators[{i}].unit")))?;
        }
        Ok(())
    }
}

/// `setPlan` edits the plan until the application is submitted, as `setBudget` the budget.
pub fn check_plan_editable(status: ApplicationStatus) -> Result<(), DomainError> {
    if matches!(status, ApplicationStatus::Idea | ApplicationStatus::InPreparation) {
        return Ok(());
    }
    Err(DomainError::InvalidCode(crate::message!(
        fi: "hakemus on jätetty ({status}), joten sen suunnitelma on lukittu: hae muutosta sisältömuutoksella",
        sv: "ansökan är inlämnad ({status}), så dess plan är låst: ansök om en innehållsändring",
        en: "the application has been submitted ({status}), so its plan is frozen: ask for a content change",
    )))
}

/// Every budget line that names a work package names one of the plan's.
pub fn check_lines(lines: &[BudgetLine], plan: &Plan) -> Result<(), PlanError> {
    for (i, line) in lines.iter().enumerate() {
        let Some(key) = line.work_package() else { continue };
        if plan.work_package(key).is_none() {
            return Err(at(format!("lines[{i}].workPackage"))(DomainError::InvalidCode(crate::message!(
                fi: "talousarvion rivi kuuluu työpakettiin {key}, jota suunnitelmassa ei ole",
                sv: "en budgetrad hör till arbetspaketet {key}, som planen inte har",
                en: "a budget line belongs to the work package {key}, which the plan does not have",
            ))));
        }
    }
    Ok(())
}

/// A content change may reshape the plan, but an indicator with reported actuals stays, in its
/// unit: what was reported keeps meaning what it meant.
pub fn check_change(after: &Plan, reported: &BTreeMap<PlanKey, IndicatorUnit>) -> Result<(), PlanError> {
    for (key, unit) in reported {
        match after.indicators.iter().position(|i| &i.key == key) {
            None => {
                return Err(at("indicators".to_owned())(DomainError::InvalidCode(crate::message!(
                    fi: "mittarilla {key} on raportoituja toteumia, joten se pysyy suunnitelmassa",
                    sv: "indikatorn {key} har rapporterade utfall, så den stannar i planen",
                    en: "the indicator {key} has reported actuals, so it stays in the plan",
                ))));
            }
            Some(i) if after.indicators[i].unit != *unit => {
                let now = after.indicators[i].unit;
                return Err(at(format!("indicators[{i}].unit"))(DomainError::InvalidCode(crate::message!(
                    fi: "mittarin {key} toteumat on raportoitu yksikössä {unit}, joten sitä ei vaihdeta yksikköön {now}",
                    sv: "utfallen för indikatorn {key} är rapporterade i {unit}, så enheten byts inte till {now}",
                    en: "the indicator {key} has actuals reported in {unit}, so it does not change to {now}",
                ))));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// What moves between work packages from one budget's lines to another's: what the work packages
/// (and the unassigned lines, as one) gain.
pub fn moved_between_work_packages(before: &[BudgetLine], after: &[BudgetLine]) -> Result<Money, DomainError> {
    let sums = |lines: &[BudgetLine]| -> Result<BTreeMap<Option<PlanKey>, Money>, DomainError> {
        let mut sums = BTreeMap::new();
        for line in lines {
            let sum: &mut Money = sums.entry(line.work_package().cloned()).or_insert(Money::ZERO);
            *sum = sum.checked_add(line.amount())?;
        }
        Ok(sums)
    };
    let (before, after) = (sums(before)?, sums(after)?);
    let mut moved = Money::ZERO;
    for (key, now) in &after {
        let was = before.get(key).copied().unwrap_or(Money::ZERO);
        if *now > was {
            moved = moved.checked_add(now.checked_sub(was)?)?;
        }
    }
    Ok(moved)
}

/// A revision within a call's tolerance moves between work packages no more than the tolerance's
/// share of the approved total, as between cost categories; with no tolerance, nothing.
pub fn packages_within_tolerance(
    approved: &[BudgetLine],
    revised: &[BudgetLine],
    tolerance: crate::Rate,
) -> Result<bool, DomainError> {
    let moved = moved_between_work_packages(approved, revised)?;
    let total = Money::sum(approved.iter().map(BudgetLine::amount))?;
    Ok(moved.is_zero() || (tolerance.basis_points() > 0 && moved <= tolerance.max_share_of(total)))
}

/// The budget by work package: each of the plan's work packages in order with the sum of its
/// lines, then the lines assigned to none (shown as such, under no key).
pub fn budget_by_work_package(plan: &Plan, lines: &[BudgetLine]) -> Result<Vec<(Option<PlanKey>, Money)>, DomainError> {
    let mut sums: Vec<(Option<PlanKey>, Money)> =
        plan.work_packages.iter().map(|w| (Some(w.key.clone()), Money::ZERO)).collect();
    for line in lines {
        let key = line.work_package().filter(|k| plan.work_package(k).is_some()).cloned();
        match sums.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sum)) => *sum = sum.checked_add(line.amount())?,
            None => sums.push((key, line.amount())),
        }
    }
    Ok(sums)
}

code_list!(
    /// Which part of a plan changed.
    PlanPart { Objective, WorkPackage, Indicator }
);

code_list!(
    /// How a part changed between two versions of a plan.
    PlanChangeKind { Added, Removed, Changed }
);

/// One field that changed, as the wire shows it before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One part that changed between two versions of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    pub part: PlanPart,
    pub key: String,
    pub change: PlanChangeKind,
    /// What the part is called (its text, title or name), after the change or, if removed, before.
    pub name: String,
    pub fields: Vec<FieldChange>,
}

type Fields = Vec<(&'static str, Option<String>)>;

fn objective_fields(o: &ObjectiveDraft) -> Fields {
    vec![("text", Some(o.text.clone())), ("language", Some(o.language.clone()))]
}

fn work_package_fields(w: &WorkPackageDraft) -> Fields {
    vec![
        ("title", Some(w.title.clone())),
        ("startsOn", w.starts_on.map(|d| d.to_string())),
        ("endsOn", w.ends_on.map(|d| d.to_string())),
        ("leadOrganizationId", w.lead.map(|o| o.global())),
        ("objectives", Some(w.objectives.join(", "))),
    ]
}

fn indicator_fields(i: &IndicatorDraft) -> Fields {
    vec![
        ("name", Some(i.name.clone())),
        ("objective", i.objective.clone()),
        ("workPackage", i.work_package.clone()),
        ("code", i.code.clone()),
        ("unit", Some(i.unit.as_str().to_owned())),
        ("baseline", i.baseline.clone()),
        ("target", i.target.clone()),
        ("targetOn", i.target_on.map(|d| d.to_string())),
        ("illustrative", Some(i.illustrative.to_string())),
    ]
}

fn compare<T>(
    part: PlanPart,
    before: &[T],
    after: &[T],
    key: impl Fn(&T) -> &str,
    name: impl Fn(&T) -> &str,
    fields: impl Fn(&T) -> Fields,
    out: &mut Vec<PlanChange>,
) {
    let change = |kind, item: &T, fields| PlanChange {
        part,
        key: key(item).to_owned(),
        change: kind,
        name: name(item).to_owned(),
        fields,
    };
    for b in before {
        if !after.iter().any(|a| key(a) == key(b)) {
            out.push(change(PlanChangeKind::Removed, b, Vec::new()));
        }
    }
    for a in after {
        match before.iter().find(|b| key(b) == key(a)) {
            None => out.push(change(PlanChangeKind::Added, a, Vec::new())),
            Some(b) => {
                let changed: Vec<FieldChange> = fields(b)
                    .into_iter()
                    .zip(fields(a))
                    .filter(|((_, old), (_, new))| old != new)
                    .map(|((field, before), (_, after))| FieldChange { field, before, after })
                    .collect();
                if !changed.is_empty() {
                    out.push(change(PlanChangeKind::Changed, a, changed));
                }
            }
        }
    }
}

/// What changed from one version of a plan to the next, part by part by key: objectives first,
/// then work packages, then indicators; within each, the removed parts, then the added and
/// changed ones in the new plan's order.
pub fn changes(before: &PlanDraft, after: &PlanDraft) -> Vec<PlanChange> {
    let mut out = Vec::new();
    compare(
        PlanPart::Objective,
        &before.objectives,
        &after.objectives,
        |o| &o.key,
        |o| &o.text,
        objective_fields,
        &mut out,
    );
    compare(
        PlanPart::WorkPackage,
        &before.work_packages,
        &after.work_packages,
        |w| &w.key,
        |w| &w.title,
        work_package_fields,
        &mut out,
    );
    compare(
        PlanPart::Indicator,
        &before.indicators,
        &after.indicators,
        |i| &i.key,
        |i| &i.name,
        indicator_fields,
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Amount, CostCategory};

    fn monni() -> PlanDraft {
        let objective =
            |key: &str, text: &str| ObjectiveDraft { key: key.into(), text: text.into(), language: "fi".into() };
        PlanDraft {
            objectives: vec![
                objective("T1", "Lastensuojelun asiakkaat ovat osallisina palvelukokonaisuutensa keskiössä"),
                objective("T2", "Ammattilaiset systeemisen työn ytimessä"),
            ],
            work_packages: vec![WorkPackageDraft {
                key: "TP1".into(),
                title: "Monialainen palvelukokonaisuus".into(),
                starts_on: NaiveDate::from_ymd_opt(2020, 9, 1),
                ends_on: NaiveDate::from_ymd_opt(2022, 12, 31),
                lead: Some(OrganizationId(1)),
                objectives: vec!["T1".into(), "T2".into()],
            }],
            indicators: vec![IndicatorDraft {
                key: "M1".into(),
                objective: None,
                work_package: Some("TP1".into()),
                code: Some("trained-professionals".into()),
                name: "Koulutetut ammattilaiset".into(),
                unit: IndicatorUnit::Count,
                baseline: Some("0".into()),
                target: Some("300".into()),
                target_on: NaiveDate::from_ymd_opt(2022, 12, 31),
                illustrative: true,
            }],
        }
    }

    #[test]
    fn a_plan_round_trips_through_its_written_form() {
        let plan = Plan::new(monni()).unwrap();
        assert_eq!(plan.draft(), monni());
        assert_eq!(Plan::new(plan.draft()).unwrap(), plan);
    }

    #[test]
    fn each_key_is_used_once_and_every_reference_holds() {
        let mut twice = monni();
        twice.work_packages[0].key = "T1".into();
        let refused = Plan::new(twice).unwrap_err();
        assert_eq!(refused.at, "workPackages[0].key");
        let mut dangling = monni();
        dangling.indicators[0].work_package = Some("TP9".into());
        assert_eq!(Plan::new(dangling).unwrap_err().at, "indicators[0].workPackage");
        let mut both = monni();
        both.indicators[0].objective = Some("T1".into());
        assert_eq!(Plan::new(both).unwrap_err().at, "indicators[0].objective");
    }

    #[test]
    fn an_indicators_values_are_in_its_unit_and_a_target_has_its_date() {
        let mut percent = monni();
        percent.indicators[0].target = Some("300.5".into());
        assert_eq!(Plan::new(percent).unwrap_err().at, "indicators[0].target");
        let mut undated = monni();
        undated.indicators[0].target_on = None;
        assert_eq!(Plan::new(undated).unwrap_err().at, "indicators[0].targetOn");
    }

    #[test]
    fn a_work_package_is_led_by_a_participant_within_the_projects_period() {
        let plan = Plan::new(monni()).unwrap();
        let (start, end) = (NaiveDate::from_ymd_opt(2020, 9, 1), NaiveDate::from_ymd_opt(2022, 12, 31));
        assert!(plan.check_fits(start, end, &[OrganizationId(1)].into()).is_ok());
        let refused = plan.check_fits(start, end, &[OrganizationId(2)].into()).unwrap_err();
        assert_eq!(refused.at, "workPackages[0].leadOrganizationId");
        let refused = plan.check_fits(start, NaiveDate::from_ymd_opt(2021, 12, 31), &[OrganizationId(1)].into());
        assert_eq!(refused.unwrap_err().at, "workPackages[0].endsOn");
        // A start after the project's end is outside it too, with no end given.
        let mut late = monni();
        late.work_packages[0].starts_on = NaiveDate::from_ymd_opt(2023, 1, 1);
        late.work_packages[0].ends_on = None;
        let refused = Plan::new(late).unwrap().check_fits(start, end, &[OrganizationId(1)].into());
        assert_eq!(refused.unwrap_err().at, "workPackages[0].startsOn");
    }

    #[test]
    fn an_indicator_names_a_code_of_its_programme_in_the_codes_unit() {
        let plan = Plan::new(monni()).unwrap();
        let code = IndicatorCode::parse("trained-professionals").unwrap();
        assert!(plan.check_codes(&[(code.clone(), IndicatorUnit::Count)].into()).is_ok());
        let refused = plan.check_codes(&[(code, IndicatorUnit::Euros)].into()).unwrap_err();
        assert_eq!(refused.at, "indicators[0].unit");
        assert_eq!(plan.check_codes(&BTreeMap::new()).unwrap_err().at, "indicators[0].code");
    }

    #[test]
    fn the_plan_is_edited_until_submission_and_changed_by_a_content_change_after() {
        assert!(check_plan_editable(ApplicationStatus::InPreparation).is_ok());
        let refused = check_plan_editable(ApplicationStatus::Granted).unwrap_err().to_string();
        assert!(refused.contains("ask for a content change"), "{refused}");
    }

    #[test]
    fn the_budget_reads_by_work_package_with_the_unassigned_lines_apart() {
        let plan = Plan::new(monni()).unwrap();
        let line = |wp: Option<&str>, euros: i64| {
            BudgetLine::new(CostCategory::Personnel, 2021, None, Amount::new(Money::euros(euros).unwrap()).unwrap())
                .unwrap()
                .with_work_package(wp.map(|k| PlanKey::parse(k).unwrap()))
        };
        let lines = [line(Some("TP1"), 100), line(None, 50), line(Some("TP1"), 20)];
        assert!(check_lines(&lines, &plan).is_ok());
        let sums = budget_by_work_package(&plan, &lines).unwrap();
        assert_eq!(
            sums,
            vec![(Some(PlanKey::parse("TP1").unwrap()), Money::euros(120).unwrap()), (None, Money::euros(50).unwrap())]
        );
        assert_eq!(check_lines(&[line(Some("TP2"), 1)], &plan).unwrap_err().at, "lines[0].workPackage");
        // Moving 20 € from TP1 to the unassigned lines moves 20 €: within 20 % of 170 €, not 10 %.
        let moved = [line(Some("TP1"), 100), line(None, 70)];
        assert_eq!(moved_between_work_packages(&lines, &moved), Ok(Money::euros(20).unwrap()));
        assert_eq!(packages_within_tolerance(&lines, &moved, crate::Rate::parse("20").unwrap()), Ok(true));
        assert_eq!(packages_within_tolerance(&lines, &moved, crate::Rate::parse("10").unwrap()), Ok(false));
        assert_eq!(packages_within_tolerance(&lines, &lines, crate::Rate::ZERO), Ok(true));
    }

    #[test]
    fn a_content_change_keeps_a_reported_indicator_in_its_unit() {
        let reported: BTreeMap<PlanKey, IndicatorUnit> = [(PlanKey::parse("M1").unwrap(), IndicatorUnit::Count)].into();
        let mut removed = monni();
        removed.indicators.clear();
        assert!(check_change(&Plan::new(removed).unwrap(), &reported).is_err());
        let mut euros = monni();
        euros.indicators[0].unit = IndicatorUnit::Euros;
        euros.indicators[0].code = None;
        let refused = check_change(&Plan::new(euros).unwrap(), &reported).unwrap_err();
        assert_eq!(refused.at, "indicators[0].unit");
        let mut retargeted = monni();
        retargeted.indicators[0].target = Some("250".into());
        assert!(check_change(&Plan::new(retargeted).unwrap(), &reported).is_ok());
    }

    #[test]
    fn a_revision_shows_what_changed_in_the_plan_part_by_part() {
        let before = monni();
        let mut after = monni();
        after.objectives.remove(1);
        after.work_packages[0].objectives = vec!["T1".into()];
        after.indicators[0].target = Some("250".into());
        after.objectives.push(ObjectiveDraft {
            key: "T3".into(),
            text: "Yhteistyörakenteet".into(),
            language: "fi".into(),
        });
        let changes = changes(&before, &after);
        let summary: Vec<(PlanPart, &str, PlanChangeKind)> =
            changes.iter().map(|c| (c.part, c.key.as_str(), c.change)).collect();
        assert_eq!(
            summary,
            vec![
                (PlanPart::Objective, "T2", PlanChangeKind::Removed),
                (PlanPart::Objective, "T3", PlanChangeKind::Added),
                (PlanPart::WorkPackage, "TP1", PlanChangeKind::Changed),
                (PlanPart::Indicator, "M1", PlanChangeKind::Changed),
            ]
        );
        let target = &changes[3].fields;
        assert_eq!(
            target,
            &vec![FieldChange { field: "target", before: Some("300".into()), after: Some("250".into()) }]
        );
        assert!(super::changes(&before, &before).is_empty());
    }
}
