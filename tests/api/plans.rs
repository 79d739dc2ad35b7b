//! The project plan through the API: a project planned with objectives, work packages and
//! indicators, its budget lines assigned to work packages, actuals reported with an interim report
//! and locked on its acceptance, the plan changed by a content change (and versioned with the
//! budget), and the indicators rolled up across two projects of one programme; with the refusals.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const SET_PLAN: &str = "mutation($input: SetPlanInput!) { setPlan(input: $input) { id version } }";
const DEFINE: &str = "mutation($input: DefineIndicatorInput!) { defineIndicator(input: $input) { code unit } }";
const PLAN: &str = "query($id: ID!) { application(id: $id) { version plan { \
    objectives { key text language workPackages { key } indicators { key } } \
    workPackages { id key title lead { name } objectives { key } budget indicators { key } } \
    unassignedBudget \
    indicators { id key code name unit baseline target targetOn illustrative reached progress \
      objective { key } workPackage { key } actuals { year value locked report { kind } } } } \
    budget { lines { workPackage amount } byWorkPackage { workPackage title amount } } \
    budgetVersions { number kind inForce planOnly planChanges { part key change name fields { field before after } } } } }";
const SUBMIT_REPORT: &str = "mutation($input: SubmitReportInput!) { submitReport(input: $input) { id version status actuals { indicatorKey year value locked } } }";
const ACCEPT_REPORT: &str =
    "mutation($input: AcceptReportInput!) { acceptReport(input: $input) { id version status actuals { locked } } }";
const ADD_REPORT: &str =
    "mutation($input: AddReportObligationInput!) { addReportObligation(input: $input) { id version } }";
const CREATE_CHANGE: &str = "mutation($input: CreateChangeRequestInput!) { createChangeRequest(input: $input) { id version kinds \
    planChanges { part key change fields { field before after } } } }";
const DECIDE: &str = "mutation($input: DecideChangeRequestInput!) { decideChangeRequest(input: $input) { status parts { kind decision revisedVersionId } } }";
const ROLL_UP: &str = "query($programme: ID) { portfolio { indicators(programmeId: $programme) { code unit indicatorCount \
    target reached progress byYear { key target reached progress } byRegion { key label target reached } \
    byProgramme { key label target reached } } } }";

fn programme_input(name: &str, funder: &str) -> Value {
    json!({ "input": { "name": name, "funderId": funder } })
}

async fn programme(app: &TestApp, admin: &str, name: &str, funder: &str) -> String {
    let made = app
        .ok(
            admin,
            "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id } }",
            programme_input(name, funder),
        )
        .await;
    id(&made["createProgramme"])
}

async fn call_in(app: &TestApp, admin: &str, funder: &str, programme: &str, title: &str) -> String {
    let input = json!({ "title": title, "funderId": funder, "programmeId": programme, "opensAt": "2020-03-02T08:00:00+02:00", "closesAt": "2020-05-29T16:15:00+03:00", "maxAidRate": "80" });
    id(&app.ok(admin, CREATE_CALL, json!({ "input": input })).await["createGrantCall"])
}

/// MONNI's plan: two objectives, two work packages led by the centre, a trained-professionals
/// count on the first work package and a percentage on the second objective.
fn monni_plan(sonet: &str, lead_of_second: &str, target: &str) -> Value {
    json!({
        "objectives": [
            { "key": "T1", "text": "Lastensuojelun asiakkaat ovat osallisina palvelukokonaisuutensa keskiössä" },
            { "key": "T2", "text": "Ammattilaiset toimivat systeemisen yhteistoiminnan ytimessä", "language": "fi" },
        ],
        "workPackages": [
            { "key": "TP1", "title": "Systeemisen työn valmennus", "startsOn": "2020-09-01", "endsOn": "2022-12-31", "leadOrganizationId": sonet, "objectives": ["T2"] },
            { "key": "TP2", "title": "Asiakasosallisuus", "leadOrganizationId": lead_of_second, "objectives": ["T1", "T2"] },
        ],
        "indicators": [
            { "key": "M1", "workPackage": "TP1", "code": "trained-professionals", "name": "Koulutetut ammattilaiset", "unit": "COUNT", "baseline": "0", "target": target, "targetOn": "2022-12-31" },
            { "key": "M2", "objective": "T1", "name": "Osallisuuden kokemus", "unit": "PERCENT", "baseline": "40", "target": "70", "targetOn": "2022-12-31", "illustrative": true },
        ],
    })
}

fn monni_lines() -> Value {
    json!([
        { "category": "PERSONNEL", "year": 2021, "amount": "300000.00", "workPackage": "TP1" },
        { "category": "PERSONNEL", "year": 2022, "amount": "300000.00", "workPackage": "TP2" },
        { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00", "workPackage": "TP1" },
        { "category": "OVERHEAD", "year": 2021, "amount": "100000.00" },
    ])
}

fn field(response: &salkku_e2e::Answer) -> String {
    response.error("BAD_USER_INPUT")["extensions"]["field"].as_str().unwrap_or_default().to_owned()
}

on_both! {
    async fn a_plan_is_reported_on_locked_changed_by_a_content_change_and_rolled_up_across_a_programme(t: TestDatabase) {
        let app = TestApp::start_at(t, salkku_demo::demo::demo_now()).await;
        let g = ground(&app).await;
        let admin = &g.admin;
        let tampere = org(&app, admin, "Tampereen kaupunki", "MUNICIPALITY", Some("06")).await;
        let kevat = programme(&app, admin, "STM:n valtionavustushaut, kevät 2020", &g.stm).await;
        let defined = app.ok(admin, DEFINE, json!({ "input": { "programmeId": kevat, "code": "trained-professionals", "name": "Koulutetut ammattilaiset", "unit": "COUNT" } })).await;
        assert_eq!(defined["defineIndicator"], json!({ "code": "trained-professionals", "unit": "COUNT" }));
        // A shared code adds up across projects: a percentage cannot be one; a code is defined once.
        let percent = json!({ "input": { "programmeId": kevat, "code": "satisfaction", "name": "Tyytyväisyys", "unit": "PERCENT" } });
        assert_eq!(field(&app.graphql(Some(admin), DEFINE, percent).await), "code");
        let again = json!({ "input": { "programmeId": kevat, "code": "trained-professionals", "name": "x", "unit": "COUNT" } });
        assert_eq!(field(&app.graphql(Some(admin), DEFINE, again).await), "code");
        let coordinator = app.token(Role::Coordinator, Some(OrganizationId::from_global(&g.sonet).unwrap()));
        let forbidden = json!({ "input": { "programmeId": kevat, "code": "other", "name": "x", "unit": "COUNT" } });
        app.graphql(Some(&coordinator), DEFINE, forbidden).await.error("FORBIDDEN");

        let lastensuojelu = call_in(&app, admin, &g.stm, &kevat, "Lastensuojelun kehittäminen").await;
        let kirjaus = call_in(&app, admin, &g.stm, &kevat, "Sosiaalihuollon kirjaamisvalmennus").await;
        let monni = id(&application(&app, admin, json!({ "name": "MONNI", "acronym": "MONNI", "callId": lastensuojelu, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2022-12-31", "regionCodes": ["05", "06", "14"] })).await);
        let kk3 = id(&application(&app, admin, json!({ "name": "Kansa-koulu III", "callId": kirjaus, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2022-06-30", "regionCodes": ["14", "15"] })).await);

        // Planning MONNI: the refusals first, each naming its field and changing nothing.
        let set_plan = |id: &str, version: i64, plan: Value| json!({ "input": { "applicationId": id, "expectedVersion": version, "plan": plan } });
        let outsider = field(&app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, 1, monni_plan(&g.sonet, &tampere, "300"))).await);
        assert_eq!(outsider, "plan.workPackages[1].leadOrganizationId");
        let mut euros = monni_plan(&g.sonet, &g.sonet, "300");
        euros["indicators"][0]["unit"] = json!("EUROS");
        assert_eq!(field(&app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, 1, euros)).await), "plan.indicators[0].unit");
        let mut dangling = monni_plan(&g.sonet, &g.sonet, "300");
        dangling["indicators"][1]["objective"] = json!("T9");
        assert_eq!(field(&app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, 1, dangling)).await), "plan.indicators[1].objective");
        let fractional = monni_plan(&g.sonet, &g.sonet, "300.5");
        assert_eq!(field(&app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, 1, fractional)).await), "plan.indicators[0].target");
        let planned = app.ok(&coordinator, SET_PLAN, set_plan(&monni, 1, monni_plan(&g.sonet, &g.sonet, "300"))).await;
        assert_eq!(planned["setPlan"]["version"], 2);

        // The budget reads by work package as well as by category, with the unassigned apart; a
        // line names only a work package the plan has.
        let mut stray = monni_lines();
        stray[0]["workPackage"] = json!("TP9");
        let refused = app.graphql(Some(admin), SET_BUDGET, json!({ "input": { "applicationId": monni, "expectedVersion": 2, "lines": stray, "stateAidRequested": "720000.00" } })).await;
        assert_eq!(field(&refused), "lines[0].workPackage");
        budget(&app, admin, &monni, 2, monni_lines(), "720000.00").await;
        // A work package with budget lines stays until its lines move.
        let mut without_tp2 = monni_plan(&g.sonet, &g.sonet, "300");
        without_tp2["workPackages"].as_array_mut().unwrap().pop();
        assert_eq!(field(&app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, 3, without_tp2)).await), "plan.workPackages");
        let read = app.ok(admin, PLAN, json!({ "id": monni })).await["application"].clone();
        let plan = &read["plan"];
        assert_eq!(plan["objectives"][1]["workPackages"], json!([{ "key": "TP1" }, { "key": "TP2" }]));
        assert_eq!(plan["objectives"][0]["indicators"], json!([{ "key": "M2" }]));
        assert_eq!(plan["workPackages"][0]["lead"]["name"], "SONet BOTNIA");
        let budgets: Vec<&Value> = plan["workPackages"].as_array().unwrap().iter().map(|w| &w["budget"]).collect();
        assert_eq!(budgets, [&json!("500000.00"), &json!("300000.00")]);
        assert_eq!(plan["unassignedBudget"], "100000.00");
        assert_eq!(read["budget"]["byWorkPackage"], json!([
            { "workPackage": "TP1", "title": "Systeemisen työn valmennus", "amount": "500000.00" },
            { "workPackage": "TP2", "title": "Asiakasosallisuus", "amount": "300000.00" },
            { "workPackage": null, "title": null, "amount": "100000.00" },
        ]));
        assert_eq!(plan["indicators"][0]["workPackage"]["key"], "TP1");
        assert_eq!((&plan["indicators"][1]["baseline"], &plan["indicators"][1]["target"]), (&json!("40.00"), &json!("70.00")));
        assert_eq!(plan["indicators"][1]["illustrative"], true);

        // Submitted and granted: the plan as applied for is frozen; a content change changes it.
        let pledge = json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
        app.ok(admin, ADD_COMMITMENT, json!({ "input": pledge })).await;
        transition(&app, admin, &monni, 3, "IN_PREPARATION").await;
        transition(&app, admin, &monni, 4, "SUBMITTED").await;
        let granted = transition(&app, admin, &monni, 5, "GRANTED").await;
        let version = granted["version"].as_i64().unwrap();
        let frozen = app.graphql(Some(&coordinator), SET_PLAN, set_plan(&monni, version, monni_plan(&g.sonet, &g.sonet, "250"))).await;
        assert!(frozen.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("content change"));

        // Kansa-koulu III, of the same programme, planned with the same code.
        let kk3_plan = json!({
            "workPackages": [{ "key": "TP1", "title": "Kirjaamisasiantuntijoiden määrän kasvattaminen", "leadOrganizationId": g.sonet }],
            "indicators": [{ "key": "K1", "workPackage": "TP1", "code": "trained-professionals", "name": "Koulutetut kirjaamisasiantuntijat", "unit": "COUNT", "target": "120", "targetOn": "2021-12-31" }],
        });
        app.ok(&coordinator, SET_PLAN, set_plan(&kk3, 1, kk3_plan)).await;
        let kk3_read = app.ok(admin, PLAN, json!({ "id": kk3 })).await["application"].clone();
        let foreign = kk3_read["plan"]["indicators"][0]["id"].clone();

        // A project states actuals once granted: Kansa-koulu III is still an idea.
        let early = app.ok(&coordinator, ADD_REPORT, json!({ "input": { "applicationId": kk3, "kind": "INTERIM", "dueOn": "2021-02-28" } })).await["addReportObligation"].clone();
        let too_early = json!({ "input": { "id": early["id"], "expectedVersion": 1, "actuals": [{ "indicatorId": foreign, "year": 2021, "value": "5" }] } });
        assert_eq!(field(&app.graphql(Some(&coordinator), SUBMIT_REPORT, too_early).await), "actuals");

        // The interim report states what MONNI's indicators reached in 2020.
        let report = app.ok(&coordinator, ADD_REPORT, json!({ "input": { "applicationId": monni, "kind": "INTERIM", "dueOn": "2021-02-28" } })).await["addReportObligation"].clone();
        let m1 = plan["indicators"][0]["id"].clone();
        let m2 = plan["indicators"][1]["id"].clone();
        let submit = |actuals: Value| json!({ "input": { "id": report["id"], "expectedVersion": 1, "actuals": actuals } });
        for (actuals, at) in [
            (json!([{ "indicatorId": foreign, "year": 2020, "value": "10" }]), "actuals[0].indicatorId"),
            (json!([{ "indicatorId": m1, "year": 2020, "value": "12.5" }]), "actuals[0].value"),
            (json!([{ "indicatorId": m1, "year": 2019, "value": "12" }]), "actuals[0].year"),
            (json!([{ "indicatorId": m1, "year": 2020, "value": "12" }, { "indicatorId": m1, "year": 2020, "value": "13" }]), "actuals[1].year"),
        ] {
            assert_eq!(field(&app.graphql(Some(&coordinator), SUBMIT_REPORT, submit(actuals)).await), at);
        }
        let stated = json!([{ "indicatorId": m1, "year": 2020, "value": "40" }, { "indicatorId": m2, "year": 2020, "value": "45.5", "note": "kysely syksyllä 2020" }]);
        let submitted = app.ok(&coordinator, SUBMIT_REPORT, submit(stated.clone())).await["submitReport"].clone();
        assert_eq!(submitted["actuals"], json!([
            { "indicatorKey": "M1", "year": 2020, "value": "40", "locked": false },
            { "indicatorKey": "M2", "year": 2020, "value": "45.50", "locked": false },
        ]));
        let finance = app.token(Role::Finance, None);
        // Returned, it is corrected by submitting it again: a period stated again takes its new
        // value, a period left out goes; then all of it once more.
        let give_back = "mutation($input: ReturnReportInput!) { returnReport(input: $input) { version } }";
        let returning = |version: &Value| json!({ "input": { "id": report["id"], "expectedVersion": version, "reasons": "Tarkista luvut", "newDueOn": "2030-01-31" } });
        let returned = app.ok(&finance, give_back, returning(&submitted["version"])).await["returnReport"]["version"].clone();
        let corrected = json!({ "input": { "id": report["id"], "expectedVersion": returned, "actuals": [{ "indicatorId": m1, "year": 2020, "value": "41" }] } });
        let corrected = app.ok(&coordinator, SUBMIT_REPORT, corrected).await["submitReport"].clone();
        assert_eq!(corrected["actuals"], json!([{ "indicatorKey": "M1", "year": 2020, "value": "41", "locked": false }]));
        let returned = app.ok(&finance, give_back, returning(&corrected["version"])).await["returnReport"]["version"].clone();
        let whole = json!({ "input": { "id": report["id"], "expectedVersion": returned, "actuals": stated } });
        let submitted = app.ok(&coordinator, SUBMIT_REPORT, whole).await["submitReport"].clone();
        assert_eq!(submitted["actuals"][0]["value"], "40");
        let accepted = app.ok(&finance, ACCEPT_REPORT, json!({ "input": { "id": report["id"], "expectedVersion": submitted["version"] } })).await;
        assert_eq!(accepted["acceptReport"]["actuals"], json!([{ "locked": true }, { "locked": true }]));
        // Locked: the accepted report cannot be submitted again with other values.
        let again = json!({ "input": { "id": report["id"], "expectedVersion": accepted["acceptReport"]["version"], "actuals": [{ "indicatorId": m1, "year": 2020, "value": "400" }] } });
        app.graphql(Some(&coordinator), SUBMIT_REPORT, again).await.error("BAD_USER_INPUT");
        let read = app.ok(admin, PLAN, json!({ "id": monni })).await["application"].clone();
        let m1_now = &read["plan"]["indicators"][0];
        assert_eq!((&m1_now["reached"], &m1_now["progress"]), (&json!("40"), &json!("13.33")));
        assert_eq!(m1_now["actuals"], json!([{ "year": 2020, "value": "40", "locked": true, "report": { "kind": "INTERIM" } }]));
        // A percentage keeps its latest level; progress is exact, never rounded up (45.5 / 70).
        assert_eq!((&read["plan"]["indicators"][1]["reached"], &read["plan"]["indicators"][1]["progress"]), (&json!("45.50"), &json!("65.00")));

        // A content change that would drop a reported indicator is refused.
        let mut dropped = monni_plan(&g.sonet, &g.sonet, "300");
        dropped["indicators"].as_array_mut().unwrap().remove(0);
        let refused = app.graphql(Some(&coordinator), CREATE_CHANGE, json!({ "input": { "applicationId": monni, "contentChange": "M1 pois", "plan": dropped } })).await;
        assert_eq!(field(&refused), "plan.indicators");
        // One that lowers M1's target and adds an objective is previewed, submitted, approved.
        let mut changed = monni_plan(&g.sonet, &g.sonet, "250");
        changed["objectives"].as_array_mut().unwrap().push(json!({ "key": "T3", "text": "Systemaattiset yhteistyörakenteet" }));
        let request = json!({ "input": { "applicationId": monni, "contentChange": "Tavoite 3 lisätään; koulutustavoite 250", "plan": changed, "submit": true } });
        let made = app.ok(&coordinator, CREATE_CHANGE, request).await["createChangeRequest"].clone();
        assert_eq!(made["kinds"], json!(["CONTENT_CHANGE"]));
        assert_eq!(made["planChanges"], json!([
            { "part": "OBJECTIVE", "key": "T3", "change": "ADDED", "fields": [] },
            { "part": "INDICATOR", "key": "M1", "change": "CHANGED", "fields": [{ "field": "target", "before": "300", "after": "250" }] },
        ]));
        let decided = app.ok(&finance, DECIDE, json!({ "input": { "id": made["id"], "expectedVersion": made["version"], "decisionRef": "STM 1.3.2021", "parts": [{ "kind": "CONTENT_CHANGE", "decision": "APPROVED" }] } })).await;
        assert_eq!(decided["decideChangeRequest"]["status"], "CLOSED");
        assert!(decided["decideChangeRequest"]["parts"][0]["revisedVersionId"].is_string());
        let read = app.ok(admin, PLAN, json!({ "id": monni })).await["application"].clone();
        assert_eq!(read["plan"]["objectives"].as_array().unwrap().len(), 3);
        assert_eq!(read["plan"]["indicators"][0]["id"], m1, "the indicator keeps its identity and its actuals");
        assert_eq!((&read["plan"]["indicators"][0]["target"], &read["plan"]["indicators"][0]["progress"]), (&json!("250"), &json!("16.00")));
        let versions = read["budgetVersions"].as_array().unwrap();
        let last = versions.last().unwrap();
        assert_eq!((&last["kind"], &last["inForce"], &last["planOnly"]), (&json!("REVISED"), &json!(true), &json!(true)));
        assert_eq!(last["planChanges"][1]["fields"], json!([{ "field": "target", "before": "300", "after": "250" }]));
        assert_eq!(read["budget"]["lines"][0]["workPackage"], "TP1", "the budget in force keeps its lines");
        let granted_version = versions.iter().find(|v| v["kind"] == "GRANTED").unwrap();
        assert_eq!(granted_version["planChanges"], json!([]), "the grant took the plan as applied for");

        // The roll-up across the programme: 250 + 120 professionals promised, 40 reached.
        let rolled = app.ok(&g.admin, ROLL_UP, json!({ "programme": kevat })).await["portfolio"]["indicators"].clone();
        assert_eq!(rolled.as_array().unwrap().len(), 1);
        let r = &rolled[0];
        assert_eq!((&r["code"], &r["unit"], &r["indicatorCount"]), (&json!("trained-professionals"), &json!("COUNT"), &json!(2)));
        assert_eq!((&r["target"], &r["reached"], &r["progress"]), (&json!("370"), &json!("40"), &json!("10.81")));
        assert_eq!(r["byYear"], json!([
            { "key": "2020", "target": "0", "reached": "40", "progress": null },
            { "key": "2021", "target": "120", "reached": "0", "progress": "0.00" },
            { "key": "2022", "target": "250", "reached": "0", "progress": "0.00" },
        ]));
        let regions: Vec<(&Value, &Value)> = r["byRegion"].as_array().unwrap().iter().map(|b| (&b["key"], &b["target"])).collect();
        assert_eq!(regions, [(&json!("05"), &json!("250")), (&json!("06"), &json!("250")), (&json!("14"), &json!("370")), (&json!("15"), &json!("120"))]);
        assert_eq!(r["byProgramme"], json!([{ "key": kevat, "label": "STM:n valtionavustushaut, kevät 2020", "target": "370", "reached": "40" }]));
        // Ministries read it.
        let ministry = app.token(Role::Ministry, None);
        app.ok(&ministry, ROLL_UP, json!({ "programme": kevat })).await;

        // Another programme defines the same code in euros: summing both would mix units, so the
        // roll-up refuses until narrowed to one programme.
        let esr = programme(&app, admin, "ESR", &g.stm).await;
        app.ok(admin, DEFINE, json!({ "input": { "programmeId": esr, "code": "trained-professionals", "name": "Koulutukseen käytetyt eurot", "unit": "EUROS" } })).await;
        let esr_call = call_in(&app, admin, &g.stm, &esr, "ESR-haku").await;
        let other = id(&application(&app, admin, json!({ "name": "Digitaalinen sosiaalityö", "callId": esr_call, "leadId": g.sonet })).await);
        let euro_plan = json!({ "objectives": [{ "key": "T1", "text": "Digitaalinen sosiaalityö" }], "indicators": [{ "key": "E1", "objective": "T1", "code": "trained-professionals", "name": "Koulutuseurot", "unit": "EUROS", "target": "5000", "targetOn": "2022-06-15" }] });
        app.ok(&coordinator, SET_PLAN, set_plan(&other, 1, euro_plan)).await;
        let mixed = app.graphql(Some(admin), ROLL_UP, json!({})).await;
        assert_eq!(field(&mixed), "codes");
        assert!(mixed.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("both in COUNT and in EUROS"));
        let narrowed = app.ok(admin, ROLL_UP, json!({ "programme": esr })).await;
        assert_eq!(narrowed["portfolio"]["indicators"][0]["target"], "5000.00");

        // The IATI file carries the granted project's results, valid against the schema.
        let file = crate::open_data::download(&app, Some(admin), "/export/iati-activities.xml").await.bytes().await.unwrap();
        let xml = crate::open_data::valid_iati(&file);
        assert!(xml.contains("<result type=\"1\">") && xml.contains("<result type=\"2\">"), "{xml}");
        assert!(xml.contains("<actual value=\"40\"/>") && xml.contains("<target value=\"250\"/>"), "{xml}");
    }
}

on_both! {
    async fn a_funder_approves_a_plan_with_changes_together_with_the_reallocation_it_needs(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let admin = &g.admin;
        let pikassos = org(&app, admin, "Pikassos Oy", "COMPANY", Some("06")).await;
        let monni = id(&application(&app, admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2022-12-31", "participants": [{ "organizationId": pikassos, "role": "CO_IMPLEMENTER" }] })).await);
        let set_plan = |plan: Value, version: i64| json!({ "input": { "applicationId": monni, "expectedVersion": version, "plan": plan } });
        let packages = |second_start: &str| json!({
            "objectives": [{ "key": "T1", "text": "Ammattilaiset systeemisen työn ytimessä" }],
            "workPackages": [
                { "key": "TP1", "title": "Valmennus", "leadOrganizationId": g.sonet, "objectives": ["T1"] },
                { "key": "TP2", "title": "Menetelmät", "startsOn": second_start, "leadOrganizationId": pikassos, "objectives": ["T1"] },
            ],
        });
        // A work package lies within the project's period.
        let early = app.graphql(Some(admin), SET_PLAN, set_plan(packages("2020-01-01"), 1)).await;
        assert_eq!(field(&early), "plan.workPackages[1].startsOn");
        app.ok(admin, SET_PLAN, set_plan(packages("2021-01-01"), 1)).await;
        // Pikassos leads TP2: it does not leave the project while it does, nor the period shrink.
        let update = "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { version } }";
        let without = json!({ "input": { "id": monni, "expectedVersion": 2, "participants": [] } });
        assert_eq!(field(&app.graphql(Some(admin), update, without).await), "participants");
        let shorter = json!({ "input": { "id": monni, "expectedVersion": 2, "periodStart": "2021-06-01" } });
        assert_eq!(field(&app.graphql(Some(admin), update, shorter).await), "periodStart");
        let lines = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "600000.00", "workPackage": "TP1" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "300000.00", "workPackage": "TP2" },
        ]);
        budget(&app, admin, &monni, 2, lines, "720000.00").await;
        let pledge = json!({ "applicationId": monni, "organizationId": g.sonet, "amount": "180000.00", "status": "PROMISED" });
        app.ok(admin, ADD_COMMITMENT, json!({ "input": pledge })).await;
        transition(&app, admin, &monni, 3, "IN_PREPARATION").await;
        transition(&app, admin, &monni, 4, "SUBMITTED").await;
        let granted = transition(&app, admin, &monni, 5, "GRANTED").await;
        let finance = app.token(Role::Finance, None);
        // Moving money between work packages is a reallocation like any: with no tolerance, a
        // revision without a change request is refused, even when no cost category changes.
        let revise = "mutation($input: ReviseBudgetInput!) { reviseBudget(input: $input) { number } }";
        let regrouped = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "600000.00", "workPackage": "TP2" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "300000.00", "workPackage": "TP2" },
        ]);
        let revised = app.graphql(Some(&finance), revise, json!({ "input": { "applicationId": monni, "expectedVersion": granted["version"], "lines": regrouped } })).await;
        assert!(revised.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("make a change request"));
        // A reallocation names the plan's work packages from its draft on.
        let unknown = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "900000.00", "workPackage": "TP9" }]);
        let drafted = app.graphql(Some(admin), CREATE_CHANGE, json!({ "input": { "applicationId": monni, "lines": unknown } })).await;
        assert_eq!(field(&drafted), "lines[0].workPackage");

        // Pikassos would leave while it leads TP2: not without a plan that changes with it.
        let leaving = app.graphql(Some(admin), CREATE_CHANGE, json!({ "input": { "applicationId": monni, "partners": [{ "organizationId": pikassos, "joins": false }] } })).await;
        assert_eq!(field(&leaving), "partners");
        assert!(leaving.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("led by one of the project's participants"));
        let approve = |request: &Value, parts: Value| json!({ "input": { "id": request["id"], "expectedVersion": request["version"], "parts": parts } });

        // Merging TP2 into TP1 needs its lines moved: a plan without TP2 alone is refused; with
        // the reallocation moving them it is taken, and the funder approves it with a new title.
        let merged = |title: &str| json!({
            "objectives": [{ "key": "T1", "text": "Ammattilaiset systeemisen työn ytimessä" }],
            "workPackages": [{ "key": "TP1", "title": title, "leadOrganizationId": g.sonet, "objectives": ["T1"] }],
        });
        let alone = app.graphql(Some(admin), CREATE_CHANGE, json!({ "input": { "applicationId": monni, "plan": merged("Valmennus ja menetelmät") } })).await;
        assert_eq!(field(&alone), "plan.workPackages");
        let moved = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "600000.00", "workPackage": "TP1" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "300000.00", "workPackage": "TP1" },
        ]);
        let stray = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "900000.00", "workPackage": "TP2" }]);
        let wrong = app.graphql(Some(admin), CREATE_CHANGE, json!({ "input": { "applicationId": monni, "plan": merged("x"), "lines": stray } })).await;
        assert_eq!(field(&wrong), "lines[0].workPackage");
        let request = app.ok(admin, CREATE_CHANGE, json!({ "input": { "applicationId": monni, "plan": merged("Valmennus ja menetelmät"), "lines": moved, "submit": true } })).await["createChangeRequest"].clone();
        let parts = json!([
            { "kind": "CONTENT_CHANGE", "decision": "APPROVED_WITH_CHANGES", "approvedPlan": merged("Systeeminen valmennus") },
            { "kind": "BUDGET_REALLOCATION", "decision": "APPROVED" },
        ]);
        // A changed plan goes only with its own part, approved with changes.
        let misplaced = json!([{ "kind": "BUDGET_REALLOCATION", "decision": "APPROVED", "approvedPlan": merged("x") }]);
        app.graphql(Some(&finance), DECIDE, approve(&request, misplaced)).await.error("BAD_USER_INPUT");
        // Approved lines naming a work package the approved plan lacks are named by their place.
        let stray_lines = json!([
            { "kind": "CONTENT_CHANGE", "decision": "APPROVED" },
            { "kind": "BUDGET_REALLOCATION", "decision": "APPROVED_WITH_CHANGES", "approvedLines": [{ "category": "PERSONNEL", "year": 2021, "amount": "900000.00", "workPackage": "TP2" }] },
        ]);
        assert_eq!(field(&app.graphql(Some(&finance), DECIDE, approve(&request, stray_lines)).await), "parts[1].approvedLines[0].workPackage");
        let decided = app.ok(&finance, DECIDE, approve(&request, parts)).await["decideChangeRequest"].clone();
        assert_eq!(decided["status"], "CLOSED");
        assert_eq!(decided["parts"][0]["revisedVersionId"], decided["parts"][1]["revisedVersionId"], "one version for both");
        let read = app.ok(admin, PLAN, json!({ "id": monni })).await["application"].clone();
        assert_eq!(read["plan"]["workPackages"][0]["title"], "Systeeminen valmennus");
        assert_eq!(read["plan"]["workPackages"][0]["budget"], "900000.00");
        assert_eq!(read["plan"]["unassignedBudget"], "0.00");
        let last = read["budgetVersions"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["planOnly"], false);
        let summary: Vec<(&Value, &Value, &Value)> = last["planChanges"].as_array().unwrap().iter().map(|c| (&c["part"], &c["key"], &c["change"])).collect();
        assert_eq!(summary, [(&json!("WORK_PACKAGE"), &json!("TP2"), &json!("REMOVED")), (&json!("WORK_PACKAGE"), &json!("TP1"), &json!("CHANGED"))]);
        assert_eq!(last["planChanges"][1]["fields"], json!([{ "field": "title", "before": "Valmennus", "after": "Systeeminen valmennus" }]));
    }
}

on_both! {
    async fn the_demo_carries_the_documents_plans_and_rolls_their_shared_indicator_up(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let query = "{ applications(filter: { search: \"III\" }) { nodes { plan { workPackages { key title } indicators { illustrative } } budget { total byWorkPackage { workPackage amount } } } } \
            monni: applications(filter: { search: \"MONNI\" }) { nodes { plan { objectives { key text } indicators { key unit objective { key } illustrative } } } } \
            portfolio { indicators(codes: [\"trained-professionals\"]) { indicatorCount target reached } } }";
        let demo = app.ok(&ministry, query, json!({})).await;
        let kk3 = &demo["applications"]["nodes"][0];
        assert_eq!(kk3["plan"]["workPackages"], json!([
            { "key": "TP1", "title": "Kirjaamisasiantuntijoiden määrän kasvattaminen" },
            { "key": "TP2", "title": "Kirjaamisasiantuntijoiden tukeminen ja osaamisen vahvistaminen" },
        ]));
        assert_eq!(kk3["budget"]["byWorkPackage"], json!([
            { "workPackage": "TP1", "amount": "420000.00" },
            { "workPackage": "TP2", "amount": "260000.00" },
            { "workPackage": null, "amount": "20000.00" },
        ]));
        assert_eq!(kk3["budget"]["total"], "700000.00");
        let monni = &demo["monni"]["nodes"][0]["plan"];
        let objectives: Vec<&str> = monni["objectives"].as_array().unwrap().iter().map(|o| o["key"].as_str().unwrap()).collect();
        assert_eq!(objectives, ["T1", "T2", "T3"]);
        assert!(monni["objectives"][0]["text"].as_str().unwrap().starts_with("Lastensuojelun asiakkaat ovat osallisina"));
        // The documents give no indicator figures: every one is marked illustrative.
        let all = kk3["plan"]["indicators"].as_array().unwrap().iter().chain(monni["indicators"].as_array().unwrap());
        assert!(all.into_iter().all(|i| i["illustrative"] == true));
        assert_eq!(demo["portfolio"]["indicators"], json!([{ "indicatorCount": 2, "target": "420", "reached": "0" }]));
    }
}
