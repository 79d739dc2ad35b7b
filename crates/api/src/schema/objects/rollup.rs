//! The roll-up of indicators across a portfolio: targets and actuals summed by programme code.

use async_graphql::{Context, SimpleObject};
use salkku_domain::RegionCode;
use salkku_domain::ids::ProgrammeId;
use salkku_domain::indicator::{IndicatorCode, IndicatorUnit as Unit, write_hundredths};
use salkku_domain::labels;
use salkku_domain::rollup::{CodeRollup, Figures};
use salkku_persistence::views;
use salkku_persistence::views::application_list::ApplicationFilter;

use crate::error::{ApiError, ApiResult};
use crate::schema::enums::IndicatorUnit;
use crate::schema::{db, language, loaders};

/// One group's targets and actuals of a code.
#[derive(SimpleObject)]
pub struct RollupBucket {
    key: String,
    label: String,
    target: String,
    reached: String,
    /// Reached ÷ target, in percent to the hundredth, never rounded up; null without a target.
    progress: Option<String>,
}

/// One code across the filtered portfolio.
#[derive(SimpleObject)]
pub struct IndicatorRollup {
    code: String,
    unit: IndicatorUnit,
    /// How many indicators share the code.
    indicator_count: i32,
    target: String,
    reached: String,
    progress: Option<String>,
    /// Targets by the year of their date, actuals by their reporting year.
    by_year: Vec<RollupBucket>,
    /// A project counts whole in every region it names.
    by_region: Vec<RollupBucket>,
    by_programme: Vec<RollupBucket>,
}

fn bucket(unit: Unit, key: String, label: String, f: &Figures) -> RollupBucket {
    RollupBucket {
        key,
        label,
        target: write_hundredths(unit, f.target),
        reached: write_hundredths(unit, f.reached),
        progress: f.progress(),
    }
}

/// Rolls up the indicators of the filtered applications: refused when a code is measured in two
/// units across programmes.
pub(crate) async fn roll_up(
    ctx: &Context<'_>,
    filter: &ApplicationFilter,
    codes: &[IndicatorCode],
    programme: Option<ProgrammeId>,
) -> ApiResult<Vec<IndicatorRollup>> {
    let contributions = views::plans::contributions(db(ctx)?.conn(), filter, codes, programme).await?;
    let rolled = salkku_domain::rollup::roll_up(contributions).map_err(|e| ApiError::invalid("codes", e))?;
    let lang = language(ctx);
    let mut programme_ids: Vec<ProgrammeId> = Vec::new();
    for r in &rolled {
        for key in r.by_programme.keys() {
            if let Ok(id) = ProgrammeId::from_global(key)
                && !programme_ids.contains(&id)
            {
                programme_ids.push(id);
            }
        }
    }
    let names = loaders(ctx)?.load_many(programme_ids).await?;
    let out = rolled
        .into_iter()
        .map(|r: CodeRollup| {
            let unit = r.unit;
            IndicatorRollup {
                code: r.code.to_string(),
                unit: unit.into(),
                indicator_count: i32::try_from(r.indicators).unwrap_or(i32::MAX),
                target: write_hundredths(unit, r.total.target),
                reached: write_hundredths(unit, r.total.reached),
                progress: r.total.progress(),
                by_year: r.by_year.iter().map(|(y, f)| bucket(unit, y.to_string(), y.to_string(), f)).collect(),
                by_region: r
                    .by_region
                    .iter()
                    .map(|(code, f)| {
                        let label = RegionCode::parse(code)
                            .map_or_else(|_| code.clone(), |c| labels::region(c, lang).to_owned());
                        bucket(unit, code.clone(), label, f)
                    })
                    .collect(),
                by_programme: r
                    .by_programme
                    .iter()
                    .map(|(key, f)| {
                        let label = ProgrammeId::from_global(key)
                            .ok()
                            .and_then(|id| names.get(&id))
                            .map_or_else(String::new, |p| p.name.clone());
                        bucket(unit, key.clone(), label, f)
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(out)
}
