//! The demo's project plans, as the documents give them: Kansa-koulu III's two work packages
//! (more recording experts; supporting and strengthening them) and MONNI's three objectives. The
//! documents give no indicator figures: every indicator here is marked illustrative.

use chrono::NaiveDate;
use salkku_domain::ids::OrganizationId;
use salkku_domain::indicator::IndicatorUnit;
use salkku_domain::plan::{IndicatorDraft, ObjectiveDraft, PlanDraft, WorkPackageDraft};

/// The code the spring 2020 calls' programme defines for professionals trained by its projects,
/// which the roll-up sums across them.
pub const TRAINED: &str = "trained-professionals";

fn indicator(key: &str, on: (Option<&str>, Option<&str>), name: &str, unit: IndicatorUnit) -> IndicatorDraft {
    IndicatorDraft {
        key: key.into(),
        objective: on.0.map(Into::into),
        work_package: on.1.map(Into::into),
        code: None,
        name: name.into(),
        unit,
        baseline: None,
        target: None,
        target_on: None,
        illustrative: true,
    }
}

/// Kansa-koulu III: two work packages led by the centre, each with its indicator.
pub fn kansa_koulu(lead: OrganizationId, end: NaiveDate) -> PlanDraft {
    let package = |key: &str, title: &str, starts_on: Option<NaiveDate>| WorkPackageDraft {
        key: key.into(),
        title: title.into(),
        starts_on,
        ends_on: Some(end),
        lead: Some(lead),
        objectives: Vec::new(),
    };
    PlanDraft {
        objectives: Vec::new(),
        work_packages: vec![
            package("TP1", "Kirjaamisasiantuntijoiden määrän kasvattaminen", NaiveDate::from_ymd_opt(2020, 9, 1)),
            package(
                "TP2",
                "Kirjaamisasiantuntijoiden tukeminen ja osaamisen vahvistaminen",
                NaiveDate::from_ymd_opt(2021, 1, 1),
            ),
        ],
        indicators: vec![
            IndicatorDraft {
                code: Some(TRAINED.into()),
                baseline: Some("0".into()),
                target: Some("120".into()),
                target_on: Some(end),
                ..indicator("M1", (None, Some("TP1")), "Koulutetut kirjaamisasiantuntijat", IndicatorUnit::Count)
            },
            IndicatorDraft {
                baseline: Some("0".into()),
                target: Some("40".into()),
                target_on: Some(end),
                ..indicator("M2", (None, Some("TP2")), "Asiantuntijoiden tukitapaamiset", IndicatorUnit::Count)
            },
        ],
    }
}

/// MONNI: the three objectives of its plan, with an indicator each.
pub fn monni(end: NaiveDate) -> PlanDraft {
    let objective =
        |key: &str, text: &str| ObjectiveDraft { key: key.into(), text: text.into(), language: "fi".into() };
    PlanDraft {
        objectives: vec![
            objective("T1", "Lastensuojelun asiakkaat ovat osallisina monialaisen palvelukokonaisuutensa keskiössä"),
            objective("T2", "Lastensuojelun ammattilaiset toimivat systeemisen yhteistoiminnan ytimessä"),
            objective(
                "T3",
                "Monialaisella toimijaverkostolla on systemaattiset yhteistyörakenteet paikallisesti ja alueellisesti",
            ),
        ],
        work_packages: Vec::new(),
        indicators: vec![
            IndicatorDraft {
                baseline: Some("40".into()),
                target: Some("70".into()),
                target_on: Some(end),
                ..indicator(
                    "M1",
                    (Some("T1"), None),
                    "Asiakkaat, jotka kokevat olleensa osallisina",
                    IndicatorUnit::Percent,
                )
            },
            IndicatorDraft {
                code: Some(TRAINED.into()),
                baseline: Some("0".into()),
                target: Some("300".into()),
                target_on: Some(end),
                ..indicator(
                    "M2",
                    (Some("T2"), None),
                    "Systeemiseen työhön koulutetut ammattilaiset",
                    IndicatorUnit::Count,
                )
            },
            IndicatorDraft {
                target: Some("Yhteistyörakenne toiminnassa kaikilla kolmella alueella".into()),
                target_on: Some(end),
                ..indicator("M3", (Some("T3"), None), "Alueelliset yhteistyörakenteet", IndicatorUnit::Text)
            },
        ],
    }
}
