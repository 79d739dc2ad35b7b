//! `GET /export/applications.xlsx` and `.csv`: the spreadsheets for finance staff, filtered and
//! ordered exactly as the `applications` query (the same input types parse the query string, so
//! the same values are accepted and the same errors given).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::InputType;
use salkku_domain::message;
use salkku_persistence::views;
use serde_json::{Map, Value};

use super::authenticate;
use super::reply::Reply;
use crate::error::ApiError;
use crate::export::{MAX_BUDGET_SHEETS, MAX_ROWS, csv, xlsx};
use crate::schema::inputs::{ApplicationFilter, ApplicationOrder};
use crate::state::AppState;

/// What the query string asks for.
struct Request {
    filter: salkku_persistence::views::application_list::ApplicationFilter,
    order: salkku_persistence::views::application_list::ApplicationOrder,
    budgets: bool,
}

/// Reads the query string: the fields of `ApplicationFilter` (`status` repeated or
/// comma-separated), `orderBy` and `direction` as in `ApplicationOrder`, and `budgets=true`.
fn parse(query: &str) -> Result<Request, ApiError> {
    let mut filter = Map::new();
    let mut order = Map::new();
    let mut budgets = false;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.into_owned();
        match key.as_ref() {
            "status" => {
                let list = filter.entry("status").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.extend(value.split(',').filter(|s| !s.is_empty()).map(|s| Value::String(s.to_owned())));
                }
            }
            "regionCode" | "funderId" | "callId" | "leadId" | "participantId" | "search" => {
                filter.insert(key.into_owned(), Value::String(value));
            }
            "year" => {
                let year = value.parse::<i64>().map_or(Value::String(value), Value::from);
                filter.insert("year".into(), year);
            }
            "orderBy" => {
                order.insert("field".into(), Value::String(value));
            }
            "direction" => {
                order.insert("direction".into(), Value::String(value));
            }
            "budgets" => {
                budgets = match value.as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => {
                        return Err(ApiError::bad_input(
                            "budgets",
                            message!(
                                fi: "budgets on true tai false",
                                sv: "budgets är true eller false",
                                en: "budgets is true or false",
                            ),
                        ));
                    }
                };
            }
            other => {
                return Err(ApiError::bad_input(
                    other,
                    message!(
                        fi: "{other:?} ei ole tämän viennin parametri; käytä parametreja status, regionCode, funderId, callId, leadId, participantId, year, search, orderBy, direction tai budgets",
                        sv: "{other:?} är ingen parameter för den här exporten; använd status, regionCode, funderId, callId, leadId, participantId, year, search, orderBy, direction eller budgets",
                        en: "{other:?} is not a parameter of this export; use status, regionCode, funderId, callId, leadId, participantId, year, search, orderBy, direction or budgets",
                    ),
                ));
            }
        }
    }
    let filter = read::<ApplicationFilter>("filter", Value::Object(filter))?.parse()?;
    let order = if order.is_empty() {
        None
    } else {
        if !order.contains_key("field") {
            return Err(ApiError::bad_input(
                "orderBy",
                message!(
                    fi: "direction tarvitsee orderBy-parametrin",
                    sv: "direction behöver orderBy",
                    en: "direction needs orderBy",
                ),
            ));
        }
        Some(read::<ApplicationOrder>("orderBy", Value::Object(order))?)
    };
    Ok(Request { filter, order: ApplicationOrder::parse(order), budgets })
}

/// Coerces JSON into a GraphQL input type, as variables are.
fn read<T: InputType>(field: &str, json: Value) -> Result<T, ApiError> {
    let value = async_graphql::Value::from_json(json).map_err(|_| {
        ApiError::bad_input(
            field,
            message!(
                fi: "parametreja ei voitu lukea",
                sv: "parametrarna kunde inte läsas",
                en: "the parameters could not be read",
            ),
        )
    })?;
    T::parse(Some(value)).map_err(|e| ApiError::bad_input(field, e.into_server_error(Default::default()).message))
}

/// The two formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Xlsx,
    Csv,
}

/// `GET /export/{file}`: `applications.xlsx` or `applications.csv`.
pub(super) async fn applications(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    let reply = Reply::of(&state, &req);
    let format = match file.as_str() {
        "applications.xlsx" => Format::Xlsx,
        "applications.csv" => Format::Csv,
        _ => {
            return reply.error(
                StatusCode::NOT_FOUND,
                ApiError::not_found(message!(
                    fi: "viennit ovat /export/applications.xlsx ja /export/applications.csv",
                    sv: "exporterna är /export/applications.xlsx och /export/applications.csv",
                    en: "exports are /export/applications.xlsx and /export/applications.csv",
                )),
            );
        }
    };
    match authenticate(&state, &req) {
        Ok(Some(_viewer)) => {}
        Ok(None) => {
            let mut response = reply.error(StatusCode::UNAUTHORIZED, ApiError::sign_in());
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            return response;
        }
        Err(e) => return reply.error(StatusCode::UNAUTHORIZED, e),
    }
    let request = match parse(req.query_string()) {
        Ok(request) => request,
        Err(e) => return reply.error(StatusCode::BAD_REQUEST, e),
    };
    let language = reply.language;
    let budgets = request.budgets && format == Format::Xlsx;
    let limit = if budgets { MAX_BUDGET_SHEETS } else { MAX_ROWS };
    // A report is a read: from the replica when there is one (see crate::replicas).
    let db = crate::replicas::choose(&state, &req, false).await;
    // One snapshot for every chunk: a budget saved meanwhile cannot move a row across pages.
    let read = tokio::time::timeout(state.limits.timeout, async {
        let snapshot = db.begin_snapshot().await?;
        let rows = views::finance_report::rows(&*snapshot, &request.filter, request.order, budgets, limit).await;
        snapshot.rollback().await?;
        rows
    })
    .await;
    let rows = match read {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => {
            let error = ApiError::from(e);
            let status = if error.code == crate::error::ErrorCode::Internal {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::BAD_REQUEST
            };
            return reply.error(status, error);
        }
        Err(_) => {
            return reply.error(StatusCode::SERVICE_UNAVAILABLE, {
                let ms = state.limits.timeout.as_millis();
                ApiError::limit(message!(
                    fi: "aikaraja ylittyi: vienti saa kestää {ms} ms; rajaa hakua",
                    sv: "tidsgränsen överskreds: en export får pågå {ms} ms; avgränsa filtret",
                    en: "time limit exceeded: an export may run {ms} ms; narrow the filter",
                ))
            });
        }
    };
    let today = salkku_domain::deadline::local_date(state.clock.now());
    // Writing a large workbook is seconds of CPU: off the server's own threads.
    let written = web::block(move || match format {
        Format::Xlsx => xlsx::write(&rows, language, budgets)
            .map(|bytes| (bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"))
            .map_err(|e| e.to_string()),
        Format::Csv => {
            csv::write(&rows).map(|bytes| (bytes, "text/csv; charset=utf-8", "csv")).map_err(|e| e.to_string())
        }
    })
    .await;
    let (body, media, extension) = match written {
        Ok(Ok(file)) => file,
        Ok(Err(e)) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
        Err(e) => return reply.error(StatusCode::INTERNAL_SERVER_ERROR, ApiError::internal(&e)),
    };
    HttpResponse::Ok()
        .content_type(media)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"salkku-applications-{today}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_come_repeated_or_comma_separated() {
        let r = parse("status=SUBMITTED,GRANTED&status=ACTIVE&year=2020&orderBy=TOTAL_COST&direction=DESC").unwrap();
        assert_eq!(r.filter.statuses.len(), 3);
        assert_eq!(r.filter.year, Some(2020));
        assert!(r.order.descending);
    }

    #[test]
    fn bad_parameters_name_the_field_at_fault() {
        let field = |q: &str| parse(q).err().and_then(|e| e.field);
        assert_eq!(field("status=PENDING").as_deref(), Some("filter"));
        assert_eq!(field("year=twenty").as_deref(), Some("filter"));
        assert_eq!(field("regionCode=99").as_deref(), Some("filter.regionCode"));
        assert_eq!(field("colour=red").as_deref(), Some("colour"));
        assert_eq!(field("direction=DESC").as_deref(), Some("orderBy"));
        assert_eq!(field("budgets=maybe").as_deref(), Some("budgets"));
    }
}
