//! Finance staff download the portfolio as a spreadsheet: read back with real readers (calamine
//! for the workbook, the csv crate for CSV), every figure equals the API's own to the cent.

use std::io::Cursor;
use std::str::FromStr;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const FIGURES: &str = "{ applications(first: 100) { nodes { id name status call { title } lead { name } stateAidRequested stateAidGranted budget { total } fundingSplit { totalCost selfFundingRequired selfFundingCommitted selfFundingGap compliant } } } }";

const MONEY: [&str; 6] = [
    "total_cost",
    "state_aid_requested",
    "state_aid_granted",
    "self_funding_required",
    "self_funding_committed",
    "self_funding_gap",
];

/// The API's figures of one application, keyed as the CSV's columns.
fn expected(node: &Value) -> Vec<(&'static str, String)> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let split = &node["fundingSplit"];
    vec![
        ("id", s(&node["id"])),
        ("application", s(&node["name"])),
        ("call", s(&node["call"]["title"])),
        ("lead", s(&node["lead"]["name"])),
        ("status", s(&node["status"])),
        ("total_cost", s(&split["totalCost"])),
        ("state_aid_requested", s(&node["stateAidRequested"])),
        ("state_aid_granted", s(&node["stateAidGranted"])),
        ("self_funding_required", s(&split["selfFundingRequired"])),
        ("self_funding_committed", s(&split["selfFundingCommitted"])),
        ("self_funding_gap", s(&split["selfFundingGap"])),
        ("compliant", split["compliant"].as_bool().unwrap().to_string()),
    ]
}

async fn download(app: &TestApp, token: Option<&str>, path: &str, language: &str) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.url)).header("Accept-Language", language);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// A money cell read back to the cent.
fn cents(cell: &Data) -> String {
    match cell {
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => format!("{i}.00"),
        other => panic!("a money cell holds a number, not {other:?}"),
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("a text cell, not {other:?}"),
    }
}

/// The demo portfolio and one application whose budget has odd cents.
async fn portfolio(app: &TestApp) -> (String, Value) {
    let admin = app.admin();
    let lead = org(app, &admin, "Kokkolan kaupunki", "MUNICIPALITY", Some("16")).await;
    let odd = application(
        app,
        &admin,
        json!({ "name": "Senttihanke", "acronym": "SENTTI/1", "leadId": lead, "regionCodes": ["16"] }),
    )
    .await;
    let lines = json!([
        { "category": "PERSONNEL", "year": 2020, "amount": "12345.67", "description": "Projektipäällikkö" },
        { "category": "TRAVEL", "year": 2020, "amount": "0.01" },
        { "category": "OTHER", "year": 2021, "amount": "999999.99" }
    ]);
    budget(app, &admin, &id(&odd), 1, lines, "800277.33").await;
    let figures = app.ok(&admin, FIGURES, json!({})).await;
    (id(&odd), figures["applications"]["nodes"].clone())
}

on_both! {
    async fn the_spreadsheet_holds_the_apis_figures_to_the_cent_with_a_totals_row(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let (_, nodes) = portfolio(&app).await;
        let nodes = nodes.as_array().unwrap();
        assert!(nodes.len() >= 3, "{nodes:#?}");
        let finance = app.token(Role::Finance, None);
        let response = download(&app, Some(&finance), "/export/applications.xlsx", "fi-FI").await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"salkku-applications-2020-05-19.xlsx\"");
        let bytes = response.bytes().await.unwrap().to_vec();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["Hakemukset"]);
        let sheet = book.worksheet_range("Hakemukset").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(text(&rows[0][1]), "Hakemus");
        assert_eq!(text(&rows[0][5]), "Kokonaiskustannukset");
        assert_eq!(rows.len(), nodes.len() + 2, "a header, a row per application, a totals row");

        let mut totals = [Decimal::ZERO; 6];
        for (row, node) in rows[1..=nodes.len()].iter().zip(nodes) {
            let want = expected(node);
            assert_eq!(text(&row[0]), want[0].1, "rows come in the API's order");
            assert_eq!((text(&row[1]), text(&row[2]), text(&row[3])), (want[1].1.clone(), want[2].1.clone(), want[3].1.clone()));
            for (i, key) in MONEY.iter().enumerate() {
                let (_, amount) = want.iter().find(|(k, _)| k == key).unwrap();
                assert_eq!(cents(&row[5 + i]), *amount, "{key} of {}", want[1].1);
                totals[i] += Decimal::from_str(amount).unwrap();
            }
            assert_eq!(row[11], Data::Bool(node["fundingSplit"]["compliant"].as_bool().unwrap()));
        }
        let senttihanke = rows.iter().find(|r| text(&r[1]) == "Senttihanke").unwrap();
        assert_eq!((cents(&senttihanke[5]), text(&senttihanke[4])), ("1012345.67".into(), "Idea".into()), "labels in Finnish");
        let total_row = rows[nodes.len() + 1];
        assert_eq!(text(&total_row[1]), "Yhteensä");
        for (i, total) in totals.iter().enumerate() {
            assert_eq!(cents(&total_row[5 + i]), format!("{total:.2}"), "the total of {}", MONEY[i]);
        }
    }

    async fn a_budget_sheet_per_application_on_request_in_swedish(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let (odd, _) = portfolio(&app).await;
        let finance = app.token(Role::Finance, None);
        let path = format!("/export/applications.xlsx?budgets=true&leadId={}", "");
        let refused = download(&app, Some(&finance), &path, "sv").await;
        assert_eq!(refused.status().as_u16(), 400, "an empty ID is no ID");
        let lead = app.ok(&finance, "query($id: ID!) { node(id: $id) { ... on Application { lead { id } } } }", json!({ "id": odd })).await;
        let path = format!("/export/applications.xlsx?budgets=true&leadId={}", lead["node"]["lead"]["id"].as_str().unwrap());
        let response = download(&app, Some(&finance), &path, "sv-FI, en;q=0.5").await;
        assert_eq!(response.status().as_u16(), 200);
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(response.bytes().await.unwrap().to_vec())).unwrap();
        assert_eq!(book.sheet_names(), ["Ansökningar", "SENTTI 1"], "one application, its budget sheet named by its acronym");
        let budget = book.worksheet_range("SENTTI 1").unwrap();
        let rows: Vec<&[Data]> = budget.rows().collect();
        assert_eq!(text(&rows[0][0]), "Senttihanke");
        assert_eq!(rows[1].iter().map(text).collect::<Vec<_>>(), ["År", "Kostnadsslag", "Beskrivning", "Belopp"]);
        assert_eq!((text(&rows[2][1]), text(&rows[2][2]), cents(&rows[2][3])), ("Personalkostnader".into(), "Projektipäällikkö".into(), "12345.67".into()));
        assert_eq!(cents(&rows[3][3]), "0.01");
        assert_eq!((text(&rows[5][2]), cents(&rows[5][3])), ("Totalt".into(), "1012345.67".into()));
    }

    async fn the_csv_holds_codes_and_exact_amounts_and_takes_the_same_filters(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let (_, nodes) = portfolio(&app).await;
        let ministry = app.token(Role::Ministry, None);
        let response = download(&app, Some(&ministry), "/export/applications.csv", "en").await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let body = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header, ["id", "application", "call", "lead", "status", "total_cost", "state_aid_requested", "state_aid_granted", "self_funding_required", "self_funding_committed", "self_funding_gap", "compliant"]);
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), nodes.as_array().unwrap().len());
        for (record, node) in records.iter().zip(nodes.as_array().unwrap()) {
            let got: Vec<(&str, String)> = header.iter().map(String::as_str).zip(record.iter().map(str::to_owned)).collect();
            let want = expected(node);
            assert_eq!(got.len(), want.len());
            for ((k, v), (wk, wv)) in got.iter().zip(&want) {
                assert_eq!((k, v), (wk, wv));
            }
        }

        // The applications query's filters, in the query string.
        let filtered = app.ok(&ministry, "{ applications(first: 100, filter: { status: [SUBMITTED, GRANTED], year: 2020 }, orderBy: { field: TOTAL_COST, direction: DESC }) { nodes { id } } }", json!({})).await;
        let want: Vec<String> = filtered["applications"]["nodes"].as_array().unwrap().iter().map(id).collect();
        assert!(!want.is_empty());
        let body = download(&app, Some(&ministry), "/export/applications.csv?status=SUBMITTED,GRANTED&year=2020&orderBy=TOTAL_COST&direction=DESC", "fi").await.text().await.unwrap();
        let got: Vec<String> = csv::Reader::from_reader(body.as_bytes()).records().map(|r| r.unwrap()[0].to_owned()).collect();
        assert_eq!(got, want);
    }

    async fn exports_refuse_bad_requests_with_the_contracts_codes(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let finance = app.token(Role::Finance, None);
        let anonymous = download(&app, None, "/export/applications.xlsx", "fi").await;
        assert_eq!(anonymous.status().as_u16(), 401);
        assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
        let body: Value = anonymous.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        let bad_token = download(&app, Some("not.a.token"), "/export/applications.csv", "fi").await;
        assert_eq!(bad_token.status().as_u16(), 401);
        for (query, field) in [("regionCode=99", "filter.regionCode"), ("status=PENDING", "filter"), ("colour=red", "colour"), ("year=1066", "filter.year")] {
            let response = download(&app, Some(&finance), &format!("/export/applications.csv?{query}"), "fi").await;
            assert_eq!(response.status().as_u16(), 400, "{query}");
            let body: Value = response.json().await.unwrap();
            assert_eq!((body["errors"][0]["extensions"]["code"].as_str(), body["errors"][0]["extensions"]["field"].as_str()), (Some("BAD_USER_INPUT"), Some(field)), "{query}: {body:#}");
        }
        let unknown = download(&app, Some(&finance), "/export/organizations.xlsx", "fi").await;
        assert_eq!(unknown.status().as_u16(), 404);
        // An empty portfolio is an empty sheet with its totals at zero.
        let empty = download(&app, Some(&finance), "/export/applications.xlsx", "en").await;
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(empty.bytes().await.unwrap().to_vec())).unwrap();
        let sheet = book.worksheet_range("Applications").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!((text(&rows[1][1]), cents(&rows[1][5])), ("Total".into(), "0.00".into()));
    }
}
