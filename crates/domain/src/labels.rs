//! Names of codes for people, in Finnish (the default), Swedish and English. Codes never change
//! with the language; labels do.

use crate::call::GrantCallStatus;
use crate::instalment::InstalmentStatus;
use crate::report::{ReportKind, ReportStatus};
use crate::{
    ApplicationStatus, CommitmentKind, CommitmentLevel, CommitmentStatus, CostCategory, DeadlineKind, OrganizationKind,
    ParticipationRole, RegionCode,
};

/// The languages labels come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Fi,
    Sv,
    En,
}

impl Language {
    /// Every language, Finnish first.
    pub const ALL: [Language; 3] = [Language::Fi, Language::Sv, Language::En];

    /// The ISO 639-1 code: "fi", "sv" or "en".
    pub fn code(self) -> &'static str {
        match self {
            Language::Fi => "fi",
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    /// Reads an ISO 639-1 code.
    pub fn parse(code: &str) -> Result<Language, crate::DomainError> {
        Language::ALL.into_iter().find(|l| l.code() == code).ok_or_else(|| {
            crate::DomainError::InvalidCode(crate::message!(
                fi: "{code:?} ei ole salkun kieli (fi, sv, en)",
                sv: "{code:?} är inget språk i salkku (fi, sv, en)",
                en: "{code:?} is not a language of salkku (fi, sv, en)",
            ))
        })
    }

    /// The first supported language in an `Accept-Language` header, or Finnish.
    pub fn from_accept_language(header: Option<&str>) -> Language {
        header
            .into_iter()
            .flat_map(|h| h.split(','))
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let quality = pieces.find_map(|p| p.trim().strip_prefix("q=")).map_or(1000, quality_millis);
                let language = match tag.split('-').next()? {
                    "fi" => Language::Fi,
                    "sv" => Language::Sv,
                    "en" => Language::En,
                    _ => return None,
                };
                (quality > 0).then_some((quality, language))
            })
            .fold(None, |best: Option<(u32, Language)>, (q, l)| match best {
                Some((bq, _)) if bq >= q => best,
                _ => Some((q, l)),
            })
            .map_or(Language::Fi, |(_, l)| l)
    }
}

/// A q-value ("0.8") in thousandths, read digit by digit so that no float is involved.
fn quality_millis(q: &str) -> u32 {
    let (whole, fraction) = q.split_once('.').unwrap_or((q, ""));
    let whole: u32 = if whole == "1" { 1000 } else { 0 };
    let fraction: u32 =
        fraction.chars().chain("000".chars()).take(3).filter_map(|c| c.to_digit(10)).fold(0, |acc, d| acc * 10 + d);
    (whole + fraction).min(1000)
}

pub fn application_status(status: ApplicationStatus, language: Language) -> &'static str {
    use ApplicationStatus::*;
    match (status, language) {
        (Idea, Language::Fi) => "Idea",
        (Idea, Language::Sv) => "Idé",
        (Idea, Language::En) => "Idea",
        (InPreparation, Language::Fi) => "Valmistelussa",
        (InPreparation, Language::Sv) => "Under beredning",
        (InPreparation, Language::En) => "In preparation",
        (Submitted, Language::Fi) => "Jätetty",
        (Submitted, Language::Sv) => "Inlämnad",
        (Submitted, Language::En) => "Submitted",
        (Granted, Language::Fi) => "Myönnetty",
        (Granted, Language::Sv) => "Beviljad",
        (Granted, Language::En) => "Granted",
        (Rejected, Language::Fi) => "Hylätty",
        (Rejected, Language::Sv) => "Avslagen",
        (Rejected, Language::En) => "Rejected",
        (Withdrawn, Language::Fi) => "Peruttu",
        (Withdrawn, Language::Sv) => "Återtagen",
        (Withdrawn, Language::En) => "Withdrawn",
        (Active, Language::Fi) => "Käynnissä",
        (Active, Language::Sv) => "Pågående",
        (Active, Language::En) => "Active",
        (Closed, Language::Fi) => "Päättynyt",
        (Closed, Language::Sv) => "Avslutad",
        (Closed, Language::En) => "Closed",
    }
}

pub fn call_status(status: GrantCallStatus, language: Language) -> &'static str {
    use GrantCallStatus::*;
    match (status, language) {
        (Upcoming, Language::Fi) => "Tulossa",
        (Upcoming, Language::Sv) => "Kommande",
        (Upcoming, Language::En) => "Upcoming",
        (Open, Language::Fi) => "Auki",
        (Open, Language::Sv) => "Öppen",
        (Open, Language::En) => "Open",
        (Closed, Language::Fi) => "Päättynyt",
        (Closed, Language::Sv) => "Stängd",
        (Closed, Language::En) => "Closed",
    }
}

/// Labels of the other code lists: `(code, fi, sv, en)`.
macro_rules! label_table {
    ($fn_name:ident, $list:ty, [$(($variant:ident, $fi:literal, $sv:literal, $en:literal)),+ $(,)?]) => {
        pub fn $fn_name(code: $list, language: Language) -> &'static str {
            let (fi, sv, en) = match code { $(<$list>::$variant => ($fi, $sv, $en)),+ };
            match language {
                Language::Fi => fi,
                Language::Sv => sv,
                Language::En => en,
            }
        }
    };
}

label_table!(
    deadline_kind,
    DeadlineKind,
    [
        (CallCloses, "Haku päättyy", "Utlysningen stänger", "Call closes"),
        (CommitmentDue, "Sitoumuksen määräpäivä", "Sista dag för åtagande", "Commitment due"),
        (DecisionExpected, "Päätös odotettavissa", "Beslut väntas", "Decision expected"),
        (ReportDue, "Raportin määräpäivä", "Sista dag för rapport", "Report due"),
        (ProjectEnds, "Hanke päättyy", "Projektet avslutas", "Project ends"),
        (Custom, "Muu määräaika", "Annan tidsfrist", "Other deadline"),
    ]
);

label_table!(
    report_kind,
    ReportKind,
    [
        (Interim, "Väliselvitys", "Mellanredovisning", "Interim report"),
        (Final, "Loppuselvitys", "Slutredovisning", "Final report"),
        (Financial, "Taloudellinen selvitys", "Ekonomisk redovisning", "Financial report"),
    ]
);

label_table!(
    report_status,
    ReportStatus,
    [
        (Due, "Odottaa", "Väntar", "Due"),
        (Submitted, "Jätetty", "Inlämnad", "Submitted"),
        (Accepted, "Hyväksytty", "Godkänd", "Accepted"),
        (Returned, "Palautettu täydennettäväksi", "Återsänd för komplettering", "Returned"),
    ]
);

label_table!(
    instalment_status,
    InstalmentStatus,
    [
        (Planned, "Suunniteltu", "Planerad", "Planned"),
        (Requested, "Haettu", "Begärd", "Requested"),
        (Paid, "Maksettu", "Betald", "Paid"),
        (Cancelled, "Peruttu", "Annullerad", "Cancelled"),
    ]
);

label_table!(
    commitment_status,
    CommitmentStatus,
    [
        (Requested, "Pyydetty", "Begärd", "Requested"),
        (Promised, "Luvattu", "Utlovad", "Promised"),
        (Approved, "Hyväksytty", "Godkänd", "Approved"),
        (Declined, "Kieltäytynyt", "Avböjd", "Declined"),
    ]
);

label_table!(
    commitment_kind,
    CommitmentKind,
    [(Cash, "Rahaosuus", "Kontant andel", "Cash"), (InKind, "Työpanos", "Arbetsinsats", "In kind"),]
);

label_table!(
    commitment_level,
    CommitmentLevel,
    [
        (OfficeHolder, "Viranhaltija", "Tjänsteinnehavare", "Office holder"),
        (Board, "Lautakunta", "Nämnd", "Board"),
        (Council, "Valtuusto", "Fullmäktige", "Council"),
    ]
);

label_table!(
    participation_role,
    ParticipationRole,
    [
        (Lead, "Päähakija", "Huvudsökande", "Lead applicant"),
        (CoImplementer, "Osatoteuttaja", "Delgenomförare", "Co-implementer"),
        (Funder, "Rahoittaja", "Finansiär", "Funder"),
        (Partner, "Kumppani", "Partner", "Partner"),
    ]
);

label_table!(
    cost_category,
    CostCategory,
    [
        (Personnel, "Henkilöstökulut", "Personalkostnader", "Personnel"),
        (Travel, "Matkakulut", "Resekostnader", "Travel"),
        (PurchasedServices, "Ostopalvelut", "Köpta tjänster", "Purchased services"),
        (Materials, "Aineet ja tarvikkeet", "Material och förnödenheter", "Materials"),
        (Premises, "Toimitilat", "Lokaler", "Premises"),
        (Overhead, "Yleiskulut", "Overheadkostnader", "Overhead"),
        (Other, "Muut kulut", "Övriga kostnader", "Other"),
    ]
);

label_table!(
    organization_kind,
    OrganizationKind,
    [
        (Ministry, "Ministeriö", "Ministerium", "Ministry"),
        (Agency, "Virasto", "Ämbetsverk", "Agency"),
        (EuFund, "EU-rahasto", "EU-fond", "EU fund"),
        (RegionalCouncil, "Maakuntaliitto", "Landskapsförbund", "Regional council"),
        (Municipality, "Kunta", "Kommun", "Municipality"),
        (JointMunicipalAuthority, "Kuntayhtymä", "Samkommun", "Joint municipal authority"),
        (HospitalDistrict, "Sairaanhoitopiiri", "Sjukvårdsdistrikt", "Hospital district"),
        (WellbeingServicesCounty, "Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"),
        (University, "Korkeakoulu", "Högskola", "University"),
        (CompetenceCentre, "Osaamiskeskus", "Kompetenscentrum", "Competence centre"),
        (Company, "Yritys", "Företag", "Company"),
        (Ngo, "Järjestö", "Organisation", "NGO"),
        (Other, "Muu", "Annan", "Other"),
    ]
);

/// Names of the kinds of objects, as error messages speak of them.
pub fn node_kind(kind: crate::ids::NodeKind, language: Language) -> &'static str {
    use crate::ids::NodeKind::*;
    let (fi, sv, en) = match kind {
        Organization => ("organisaatio", "organisation", "Organization"),
        FundingProgramme => ("rahoitusohjelma", "finansieringsprogram", "FundingProgramme"),
        GrantCall => ("haku", "utlysning", "GrantCall"),
        Application => ("hakemus", "ansökan", "Application"),
        BudgetLine => ("talousarvion rivi", "budgetrad", "BudgetLine"),
        Commitment => ("sitoumus", "åtagande", "Commitment"),
        StateAidAllocation => ("valtionavustuksen myöntö", "statsunderstödstilldelning", "StateAidAllocation"),
        Payment => ("maksu", "betalning", "Payment"),
        Deadline => ("määräaika", "tidsfrist", "Deadline"),
        CalendarFeed => ("kalenterisyöte", "kalenderflöde", "CalendarFeed"),
        BudgetVersion => ("talousarvion versio", "budgetversion", "BudgetVersion"),
        ChangeRequest => ("muutoshakemus", "ändringsansökan", "ChangeRequest"),
        Decision => ("päätös", "beslut", "Decision"),
        Document => ("asiakirja", "dokument", "Document"),
        ReportObligation => ("selvitys", "redovisning", "ReportObligation"),
        Instalment => ("maksuerä", "betalningspost", "Instalment"),
        Repayment => ("palautus", "återbetalning", "Repayment"),
        Objective => ("tavoite", "mål", "Objective"),
        WorkPackage => ("työpaketti", "arbetspaket", "WorkPackage"),
        Indicator => ("mittari", "indikator", "Indicator"),
    };
    match language {
        Language::Fi => fi,
        Language::Sv => sv,
        Language::En => en,
    }
}

/// Every code of every list with its label in `language`: (list, code, label), lists named as
/// the API names their enums.
pub fn every(language: Language) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    out.extend(ApplicationStatus::all().map(|c| ("ApplicationStatus", c.as_str(), application_status(c, language))));
    out.extend(GrantCallStatus::all().map(|c| ("GrantCallStatus", c.as_str(), call_status(c, language))));
    out.extend(OrganizationKind::all().map(|c| ("OrganizationKind", c.as_str(), organization_kind(c, language))));
    out.extend(ParticipationRole::all().map(|c| ("ParticipationRole", c.as_str(), participation_role(c, language))));
    out.extend(CostCategory::all().map(|c| ("CostCategory", c.as_str(), cost_category(c, language))));
    out.extend(CommitmentKind::all().map(|c| ("CommitmentKind", c.as_str(), commitment_kind(c, language))));
    out.extend(CommitmentLevel::all().map(|c| ("CommitmentLevel", c.as_str(), commitment_level(c, language))));
    out.extend(CommitmentStatus::all().map(|c| ("CommitmentStatus", c.as_str(), commitment_status(c, language))));
    out.extend(DeadlineKind::all().map(|c| ("DeadlineKind", c.as_str(), deadline_kind(c, language))));
    out.extend(RegionCode::all().map(|c| ("RegionCode", c.as_str(), region(c, language))));
    out.extend(ReportKind::all().map(|c| ("ReportKind", c.as_str(), report_kind(c, language))));
    out.extend(ReportStatus::all().map(|c| ("ReportStatus", c.as_str(), report_status(c, language))));
    out.extend(InstalmentStatus::all().map(|c| ("InstalmentStatus", c.as_str(), instalment_status(c, language))));
    out
}

pub fn region(code: RegionCode, language: Language) -> &'static str {
    let info = code.info();
    match language {
        Language::Fi => info.name_fi,
        Language::Sv => info.name_sv,
        Language::En => info.name_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finnish_is_the_default_and_the_best_supported_language_wins() {
        assert_eq!(Language::from_accept_language(None), Language::Fi);
        assert_eq!(Language::from_accept_language(Some("de-DE, sv-FI;q=0.8, en;q=0.5")), Language::Sv);
        assert_eq!(Language::from_accept_language(Some("en-GB,en;q=0.9,fi;q=0.8")), Language::En);
        assert_eq!(Language::from_accept_language(Some("fi;q=0, en;q=0.1")), Language::En);
        assert_eq!(Language::from_accept_language(Some("*")), Language::Fi);
    }

    #[test]
    fn pohjanmaa_is_osterbotten() {
        let code = RegionCode::parse("15").unwrap();
        assert_eq!(region(code, Language::Sv), "Österbotten");
        assert_eq!(application_status(ApplicationStatus::InPreparation, Language::Fi), "Valmistelussa");
    }

    #[test]
    fn a_joint_municipal_authority_is_a_kuntayhtyma_and_a_samkommun() {
        let kind = OrganizationKind::JointMunicipalAuthority;
        assert_eq!(organization_kind(kind, Language::Fi), "Kuntayhtymä");
        assert_eq!(organization_kind(kind, Language::Sv), "Samkommun");
        assert_eq!(deadline_kind(DeadlineKind::CommitmentDue, Language::En), "Commitment due");
    }
}
