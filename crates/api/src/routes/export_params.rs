//! What every export's query string may say, read once for all of them: the `applications`
//! query's filter (the same input types parse it, so the same values are accepted and the same
//! errors given), and for the spreadsheets an order and `budgets`. And who may export, and how a
//! failure to read answers.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use async_graphql::InputType;
use salkku_domain::message;
use serde_json::{Map, Value};

use super::authenticate;
use super::reply::Reply;
use crate::error::{ApiError, ErrorCode};
use crate::schema::inputs::{ApplicationFilter, ApplicationOrder};
use crate::state::AppState;

/// Which export reads the query string: the spreadsheets take an order and `budgets`, the
/// open-data files come by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Export {
    Spreadsheet,
    OpenData,
}

/// What the query string asks for.
pub(super) struct Request {
    pub(super) filter: salkku_persistence::views::application_list::ApplicationFilter,
    pub(super) order: salkku_persistence::views::application_list::ApplicationOrder,
    pub(super) budgets: bool,
}

/// Reads the query string: the fields of `ApplicationFilter` (`status` repeated or
/// comma-separated), and for a spreadsheet `orderBy` and `direction` as in `ApplicationOrder`,
/// and `budgets=true`.
pub(super) fn parse(query: &str, export: Export) -> Result<Request, ApiError> {
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
            "orderBy" | "direction" | "budgets" if export == Export::OpenData => {
                return Err(ApiError::bad_input(
                    key.as_ref(),
                    message!(
                        fi: "avoimen datan viennit ovat avaimen mukaisessa järjestyksessä; käytä parametreja status, regionCode, funderId, callId, leadId, participantId, year tai search",
                        sv: "exporterna av öppna data kommer i nyckelordning; använd status, regionCode, funderId, callId, leadId, participantId, year eller search",
                        en: "the open-data exports come in key order; use status, regionCode, funderId, callId, leadId, participantId, year or search",
                    ),
                ));
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
            other if export == Export::OpenData => {
                return Err(ApiError::bad_input(
                    other,
                    message!(
                        fi: "{other:?} ei ole tämän viennin parametri; käytä parametreja status, regionCode, funderId, callId, leadId, participantId, year tai search",
                        sv: "{other:?} är ingen parameter för den här exporten; använd status, regionCode, funderId, callId, leadId, participantId, year eller search",
                        en: "{other:?} is not a parameter of this export; use status, regionCode, funderId, callId, leadId, participantId, year or search",
                    ),
                ));
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

/// Any signed-in user may export: `None` for one, else the reply that says why not.
pub(super) fn refused(state: &AppState, req: &HttpRequest, reply: &Reply) -> Option<HttpResponse> {
    match authenticate(state, req) {
        Ok(Some(_viewer)) => None,
        Ok(None) => {
            let mut response = reply.error(StatusCode::UNAUTHORIZED, ApiError::sign_in());
            response.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            Some(response)
        }
        Err(e) => Some(reply.error(StatusCode::UNAUTHORIZED, e)),
    }
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

/// The answer to an export that could not be read: a database failure is the server's, the
/// rest the request's.
pub(super) fn failed(reply: &Reply, e: salkku_persistence::StoreError) -> HttpResponse {
    let error = ApiError::from(e);
    let status =
        if error.code == ErrorCode::Internal { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::BAD_REQUEST };
    reply.error(status, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_come_repeated_or_comma_separated() {
        let r = parse(
            "status=SUBMITTED,GRANTED&status=ACTIVE&year=2020&orderBy=TOTAL_COST&direction=DESC",
            Export::Spreadsheet,
        )
        .unwrap();
        assert_eq!(r.filter.statuses.len(), 3);
        assert_eq!(r.filter.year, Some(2020));
        assert!(r.order.descending);
    }

    #[test]
    fn bad_parameters_name_the_field_at_fault() {
        let field = |q: &str| parse(q, Export::Spreadsheet).err().and_then(|e| e.field);
        assert_eq!(field("status=PENDING").as_deref(), Some("filter"));
        assert_eq!(field("year=twenty").as_deref(), Some("filter"));
        assert_eq!(field("regionCode=99").as_deref(), Some("filter.regionCode"));
        assert_eq!(field("colour=red").as_deref(), Some("colour"));
        assert_eq!(field("direction=DESC").as_deref(), Some("orderBy"));
        assert_eq!(field("budgets=maybe").as_deref(), Some("budgets"));
    }

    #[test]
    fn the_open_data_exports_take_the_filter_and_no_order() {
        assert!(parse("year=2020&regionCode=14", Export::OpenData).is_ok());
        let field = |q: &str| parse(q, Export::OpenData).err().and_then(|e| e.field);
        assert_eq!(field("orderBy=NAME").as_deref(), Some("orderBy"));
        assert_eq!(field("budgets=true").as_deref(), Some("budgets"));
    }
}
