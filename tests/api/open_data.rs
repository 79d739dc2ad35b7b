//! The granted portfolio as open data: a 360Giving package and an IATI activities file, read
//! through the real server (and `salkku export`) and checked by the standards' own schemas with
//! well-kept validators: the jsonschema crate for 360Giving, `xmllint --schema` for IATI. The
//! figures in them are the API's own, to the cent.

use std::path::PathBuf;
use std::process::Command;

use base64::Engine;
use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const BINARY: &str = env!("CARGO_BIN_EXE_salkku-under-test");

/// The address 360Giving's package schema names its grant schema by.
const GRANT_SCHEMA: &str =
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

fn standards() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("standards")
}

fn schema(file: &str) -> Value {
    let mut schema: Value =
        serde_json::from_slice(&std::fs::read(standards().join("360giving").join(file)).unwrap()).unwrap();
    // The files name the 2020-12 dialect by an http address no validator knows (the official one
    // is https); the dialect is set below instead. The rules themselves are untouched.
    schema.as_object_mut().unwrap().remove("$schema");
    schema
}

/// The package, checked against the official 360Giving package and grant schemas, formats too.
fn valid_360giving(body: &[u8]) -> Value {
    let package: Value = serde_json::from_slice(body).expect("the package is JSON");
    let registry = jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft202012)
        .add(GRANT_SCHEMA, schema("360-giving-schema.json"))
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&schema("360-giving-package-schema.json"))
        .unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&package).map(|e| format!("{} at {}", e, e.instance_path())).take(10).collect();
    assert!(errors.is_empty(), "the package breaks the 360Giving schema: {errors:#?}");
    package
}

/// The file, checked by xmllint against the official IATI 2.03 activity schema.
pub(crate) fn valid_iati(body: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    let schema = standards().join("iati").join("iati-activities-schema.xsd");
    let run = Command::new("xmllint").arg("--noout").arg("--schema").arg(&schema).arg(file.path()).output();
    let run = run.expect("xmllint (Debian package libxml2-utils) validates the IATI file; .ci/run installs it");
    assert!(run.status.success(), "the file breaks the IATI schema: {}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8(body.to_vec()).unwrap()
}

pub(crate) async fn download(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.client.get(format!("{}{path}", app.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn body(app: &TestApp, token: &str, path: &str) -> Vec<u8> {
    let response = download(app, Some(token), path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.bytes().await.unwrap().to_vec()
}

/// An application's key, from its global ID ("Application:7").
fn key(global: &str) -> String {
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(global))
        .unwrap();
    String::from_utf8(decoded).unwrap().rsplit(':').next().unwrap().to_owned()
}

/// A JSON number read back to the cent.
fn cents(v: &Value) -> String {
    format!("{:.2}", v.as_f64().unwrap())
}

const GRANTED: &str = "{ applications(first: 100, filter: { status: [GRANTED, ACTIVE, CLOSED] }) { nodes { id name stateAidRequested stateAidGranted periodStart periodEnd budgetVersions { kind stateAid } allocations { paidTotal } repayments { amount } } } }";

fn to_cents(amount: &Value) -> i64 {
    let (euros, c) = amount.as_str().unwrap().split_once('.').unwrap();
    euros.parse::<i64>().unwrap() * 100 + c.parse::<i64>().unwrap()
}

fn euros(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

on_both! {
    async fn the_demo_publishes_its_granted_projects_as_valid_360giving_and_iati(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let response = download(&app, Some(&ministry), "/export/360giving.json").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"salkku-360giving-2020-05-19.json\"");
        let raw = response.bytes().await.unwrap().to_vec();
        let package = valid_360giving(&raw);
        assert_eq!(package["version"], "1.4");

        // Every granted project, with the API's figures to the cent.
        let api = app.ok(&ministry, GRANTED, json!({})).await;
        let projects = api["applications"]["nodes"].as_array().unwrap();
        let grants = package["grants"].as_array().unwrap();
        assert!(!projects.is_empty());
        assert_eq!(grants.len(), projects.len());
        for project in projects {
            let id = format!("360G-salkku-{}", key(project["id"].as_str().unwrap()));
            let grant = grants.iter().find(|g| g["id"] == id.as_str()).unwrap_or_else(|| panic!("{id} is published"));
            assert_eq!(grant["title"], project["name"]);
            // Applied for: the budget frozen at submission; awarded: the decided budget in force.
            let versions = project["budgetVersions"].as_array().unwrap();
            let applied = versions.iter().find(|v| v["kind"] == "APPLIED").map_or(&project["stateAidRequested"], |v| &v["stateAid"]);
            let decided = versions.iter().rev().find(|v| v["kind"] == "GRANTED" || v["kind"] == "REVISED");
            assert_eq!(cents(&grant["amountAppliedFor"]), applied.as_str().unwrap(), "{id}");
            let awarded = decided.map_or(&project["stateAidGranted"], |v| &v["stateAid"]);
            assert_eq!(cents(&grant["amountAwarded"]), awarded.as_str().unwrap(), "{id}");
            let paid: i64 = project["allocations"].as_array().unwrap().iter().map(|a| to_cents(&a["paidTotal"])).sum();
            let returned: i64 = project["repayments"].as_array().unwrap().iter().map(|r| to_cents(&r["amount"])).sum();
            assert_eq!(cents(&grant["amountDisbursed"]), euros(paid - returned), "{id}");
            assert_eq!(grant["plannedDates"][0]["startDate"], project["periodStart"]);
            assert_eq!(grant["currency"], "EUR");
        }
        // Amounts are exact decimals in the file itself, never a float's digits.
        let text = String::from_utf8(raw).unwrap();
        assert!(text.contains("\"amountAppliedFor\":2400000.00"), "{}", &text[..400]);
        // The sote centre of Etelä-Pohjanmaa: STM funds it, Seinäjoki leads it, 600 000 € paid.
        let sote = grants.iter().find(|g| g["title"].as_str().unwrap().starts_with("Etelä-Pohjanmaan Tulevaisuuden")).unwrap();
        assert_eq!(sote["fundingOrganization"][0]["name"], "Sosiaali- ja terveysministeriö");
        assert_eq!(sote["recipientOrganization"][0]["name"], "Seinäjoen kaupunki");
        assert_eq!(sote["beneficiaryLocation"][0]["name"], "Etelä-Pohjanmaa");
        assert_eq!(sote["disbursementTransaction"][0]["transactionDate"], "2020-05-15");
        assert_eq!(cents(&sote["disbursementTransaction"][0]["value"]), "600000.00");

        // The same projects as IATI activities.
        let response = download(&app, Some(&ministry), "/export/iati-activities.xml").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/xml; charset=utf-8");
        let xml = valid_iati(&response.bytes().await.unwrap());
        assert_eq!(xml.matches("<iati-activity ").count(), projects.len());
        assert!(xml.contains("<transaction-type code=\"3\"/>"), "payments are disbursements");
        assert!(xml.contains("<value currency=\"EUR\" value-date=\"2020-05-15\">600000.00</value>"));
        assert!(xml.contains("role=\"1\""), "the funder takes part in the funding role");

        // Filtered like the spreadsheets: a region's projects only.
        let in_pohjanmaa = valid_360giving(&body(&app, &ministry, "/export/360giving.json?regionCode=15").await);
        let regions: Vec<&Value> = in_pohjanmaa["grants"].as_array().unwrap().iter().flat_map(|g| g["beneficiaryLocation"].as_array().unwrap()).collect();
        assert!(!regions.is_empty() && regions.iter().any(|r| r["geoCode"] == "15"));
        assert!(in_pohjanmaa["grants"].as_array().unwrap().len() < grants.len());

        // Signed-in users only; bad parameters and an empty selection answer with the contract's codes.
        assert_eq!(download(&app, None, "/export/iati-activities.xml").await.status(), 401);
        for (path, status, code, field) in [
            ("/export/360giving.json?status=SUBMITTED", 400, "BAD_USER_INPUT", Some("status")),
            ("/export/iati-activities.xml?orderBy=NAME", 400, "BAD_USER_INPUT", Some("orderBy")),
            ("/export/360giving.json?year=1990", 404, "NOT_FOUND", None),
            ("/export/grants.json", 404, "NOT_FOUND", None),
        ] {
            let response = download(&app, Some(&ministry), path).await;
            assert_eq!(response.status(), status, "{path}");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(answer["errors"][0]["extensions"]["code"], code, "{path}");
            if let Some(field) = field {
                assert_eq!(answer["errors"][0]["extensions"]["field"], field, "{path}");
            }
        }

        // `salkku export` writes the same files.
        let out = tempfile::tempdir().unwrap();
        for (format, file) in [("360giving", "grants.json"), ("iati", "activities.xml")] {
            let path = out.path().join(file);
            let run = Command::new(BINARY)
                .args(["--database-url", app.database_url(), "export", "--format", format, "--open-data-prefix", "360G-pohjanmaa", "--output"])
                .arg(&path)
                .env("RUST_LOG", "warn")
                .output()
                .unwrap();
            assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
            let written = std::fs::read(&path).unwrap();
            if format == "iati" {
                assert!(valid_iati(&written).contains("<iati-identifier>360G-pohjanmaa-"));
            } else {
                let package = valid_360giving(&written);
                assert_eq!(package["grants"].as_array().unwrap().len(), projects.len());
                assert!(package["grants"][0]["id"].as_str().unwrap().starts_with("360G-pohjanmaa-"));
            }
        }
    }

    async fn a_revised_budget_stands_beside_the_original_and_commitments_are_incoming(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let admin = &g.admin;
        // A city with a business ID: identified in the Finnish trade register's list.
        let city = app.ok(admin, CREATE_ORG, json!({ "input": { "name": "Kaupunki", "kind": "MUNICIPALITY", "businessId": "0116297-6", "regionCode": "14", "population": 64000 } })).await;
        let city = id(&city["createOrganization"]);
        let input = json!({ "title": "Joustava haku", "funderId": g.stm, "closesAt": "2020-05-29T16:15:00+03:00", "maxAidRate": "80", "reallocationTolerance": "5" });
        let call = id(&app.ok(admin, CREATE_CALL, json!({ "input": input })).await["createGrantCall"]);
        let created = application(&app, admin, json!({ "name": "MONNI", "callId": call, "leadId": city, "periodStart": "2021-01-01", "periodEnd": "2022-12-31" })).await;
        let monni = id(&created);
        let lines = |travel: &str, services: &str| json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "300000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": services },
            { "category": "TRAVEL", "year": 2021, "amount": travel },
        ]);
        budget(&app, admin, &monni, 1, lines("100000.00", "200000.00"), "720000.00").await;
        for (status, amount, kind) in [("APPROVED", "100000.00", "CASH"), ("PROMISED", "80000.00", "CASH"), ("REQUESTED", "1.00", "CASH"), ("APPROVED", "5000.00", "IN_KIND")] {
            let input = json!({ "applicationId": monni, "organizationId": city, "amount": amount, "status": status, "kind": kind });
            app.ok(admin, ADD_COMMITMENT, json!({ "input": input })).await;
        }
        let version = app.ok(admin, "query($id: ID!) { application(id: $id) { version } }", json!({ "id": monni })).await["application"]["version"].as_i64().unwrap();
        transition(&app, admin, &monni, version, "IN_PREPARATION").await;
        transition(&app, admin, &monni, version + 1, "SUBMITTED").await;
        let granted = transition(&app, admin, &monni, version + 2, "GRANTED").await["version"].as_i64().unwrap();
        // Two revisions within the tolerance: the later replaces the earlier.
        const REVISE: &str = "mutation($input: ReviseBudgetInput!) { reviseBudget(input: $input) { number } }";
        let revise = |version: i64, travel: &str, services: &str| json!({ "input": { "applicationId": monni, "expectedVersion": version, "lines": lines(travel, services) } });
        app.ok(admin, REVISE, revise(granted, "90000.00", "210000.00")).await;
        app.ok(admin, REVISE, revise(granted + 1, "80000.00", "220000.00")).await;

        let xml = valid_iati(&body(&app, admin, "/export/iati-activities.xml").await);
        let budgets: Vec<&str> = xml.match_indices("<budget ").map(|(at, _)| &xml[at..at + 30]).collect();
        assert_eq!(budgets.len(), 4, "the original and the latest revision, a budget per year each: {budgets:?}");
        assert_eq!(xml.matches("<budget type=\"1\" status=\"2\">").count(), 2);
        assert_eq!(xml.matches("<budget type=\"2\" status=\"2\">").count(), 2);
        assert!(xml.contains("<period-start iso-date=\"2021-01-01\"/>") && xml.contains("<period-end iso-date=\"2022-12-31\"/>"));
        assert!(xml.contains("<value currency=\"EUR\" value-date=\"2021-01-01\">600000.00</value>"));
        assert!(xml.contains("ref=\"FI-PRO-0116297-6\" type=\"11\""), "the city, local government, by its business ID");
        // The approved commitment is an incoming commitment, the promise an incoming pledge; the
        // request and the pledge in kind move no money.
        assert!(xml.contains("<transaction-type code=\"11\"/>") && xml.contains("<transaction-type code=\"13\"/>"));
        assert_eq!(xml.matches("<transaction>").count(), 2);
        assert!(xml.contains(">100000.00</value>") && xml.contains(">80000.00</value>"));

        let package = valid_360giving(&body(&app, admin, "/export/360giving.json").await);
        let grant = &package["grants"][0];
        assert_eq!(grant["recipientOrganization"][0]["id"], "FI-PRO-0116297-6");
        assert_eq!(grant["plannedDates"][0], json!({ "startDate": "2021-01-01", "endDate": "2022-12-31", "duration": 24 }));
        // Awarded: the decided budget in force, the latest revision's aid; applied for: the budget
        // frozen at submission.
        assert_eq!((cents(&grant["amountAwarded"]), cents(&grant["amountAppliedFor"])), ("720000.00".to_owned(), "720000.00".to_owned()));
    }

    async fn a_synthetic_portfolio_streams_out_page_after_page_and_stays_valid(t: TestDatabase) {
        let app = TestApp::start(t).await;
        // More granted projects than a page holds, so the files are written in several pieces.
        salkku_demo::synthetic::seed(app.db(), 1_300, 7, &|_, _, _| {}).await.unwrap();
        let finance = app.token(Role::Finance, None);
        let counted = app.ok(&finance, "{ portfolio(filter: { status: [GRANTED, ACTIVE, CLOSED] }) { applicationCount stateAidGranted } }", json!({})).await;
        let published = counted["portfolio"]["applicationCount"].as_u64().unwrap();
        assert!(published > 500, "{published} granted projects fill more than one page");

        let xml = valid_iati(&body(&app, &finance, "/export/iati-activities.xml").await);
        let activities: Vec<&str> = xml.split("<iati-activity ").skip(1).collect();
        assert_eq!(activities.len() as u64, published);
        assert!(xml.contains("<planned-disbursement type=\"1\">"), "unpaid instalments are planned disbursements");

        // A 360Giving grant names its funder: the projects granted with no call, allocation or
        // funding partner are in IATI only.
        let package = valid_360giving(&body(&app, &finance, "/export/360giving.json").await);
        let grants = package["grants"].as_array().unwrap();
        let funded = activities.iter().filter(|a| a.contains("role=\"1\"")).count();
        assert_eq!(grants.len(), funded);
        assert!(funded as u64 > published / 2, "{funded} of {published}");
        let awarded: i64 = grants.iter().map(|g| to_cents(&json!(cents(&g["amountAwarded"])))).sum();
        assert_eq!(euros(awarded), counted["portfolio"]["stateAidGranted"].as_str().unwrap());
        // Organisations with a business ID by it, the rest (a number no check digit fits) by ours.
        let funders: Vec<&str> = grants.iter().map(|g| g["fundingOrganization"][0]["id"].as_str().unwrap()).collect();
        assert!(funders.iter().all(|id| id.starts_with("FI-PRO-") || id.starts_with("360G-salkku-ORG-")));
        assert!(funders.iter().any(|id| id.starts_with("FI-PRO-9")), "{:?}", &funders[..5]);
    }
}
