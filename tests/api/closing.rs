//! MONNI from its grant to its closing, as finance staff and a coordinator live it: the reports
//! its call schedules, instalments planned on its allocation, an interim report returned and
//! resubmitted, an instalment held by its report and then paid, an extension moving the final
//! report, actual costs below the plan, a repayment computed and recorded, each municipality's
//! realised share, and the cash flow by quarter before and after; with every refusal on the way.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{Store, TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::writes::counted;

const PROJECT: &str = "query($id: ID!) { application(id: $id) { status version reportDue \
    reports { id kind dueOn status version overdue fromSchedule statesCosts monthsAfterEnd returnReasons timesReturned } \
    deadlines { kind title localDue overdue } } }";
const REPORT: &str = "id status version dueOn";
const ALLOCATION: &str = "query($id: ID!) { application(id: $id) { allocations { id paidTotal plannedTotal unplanned \
    instalments { id status version amount held dueOn condition { kind } } payments { amount instalment { label } } } } }";
const CASH_FLOW: &str = "query($filter: CashFlowFilter) { cashFlow(from: \"2020-07-01\", to: \"2023-12-31\", interval: QUARTER, filter: $filter) { period planned requested paid returned } }";
const ACCOUNT: &str = "query($id: ID!) { application(id: $id) { finalAccount { provisional basis { kind } approvedCost actualCost \
    eligibleCost aidEarned paid returned balance toPay toReturn settled realisedSelfFunding \
    shares { organization { name } committed realised } } } }";

fn mutation(name: &str, input: &str, fields: &str) -> String {
    format!("mutation($input: {input}!) {{ {name}(input: $input) {{ {fields} }} }}")
}

/// The periods of a cash flow that have any money, as (period, planned, requested, paid, returned).
fn moving(flow: &Value) -> Vec<(String, String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    flow["cashFlow"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| ["planned", "requested", "paid", "returned"].iter().any(|k| p[k] != "0.00"))
        .map(|p| {
            (text(&p["period"]), text(&p["planned"]), text(&p["requested"]), text(&p["paid"]), text(&p["returned"]))
        })
        .collect()
}

fn row(
    period: &str,
    planned: &str,
    requested: &str,
    paid: &str,
    returned: &str,
) -> (String, String, String, String, String) {
    (period.into(), planned.into(), requested.into(), paid.into(), returned.into())
}

on_both! {
    async fn monni_goes_from_its_grant_through_reports_and_instalments_to_a_settled_close(t: TestDatabase) {
        let store = t.store;
        let app = TestApp::start_at(t, salkku_demo::demo::demo_now()).await;
        let admin = app.admin();
        let stm = org(&app, &admin, "Sosiaali- ja terveysministeriö", "MINISTRY", None).await;
        let sonet = org(&app, &admin, "SONet BOTNIA", "COMPETENCE_CENTRE", Some("14")).await;
        let seinajoki = org(&app, &admin, "Seinäjoen kaupunki", "MUNICIPALITY", Some("14")).await;
        let tampere = org(&app, &admin, "Tampereen kaupunki", "MUNICIPALITY", Some("06")).await;
        let coordinator = app.token(Role::Coordinator, Some(OrganizationId::from_global(&sonet).unwrap()));
        let finance = app.token(Role::Finance, None);

        // The call owes an interim report by 28.2. each year and the final one four months after the end.
        let schedule = json!({ "interimMonth": 2, "interimDay": 28, "finalAfterMonths": 4 });
        let new_call = json!({ "input": { "title": "Lastensuojelun kehittäminen", "funderId": stm, "closesAt": "2020-05-29T16:15:00+03:00", "maxAidRate": "80", "reportSchedule": schedule } });
        let refused = json!({ "input": { "title": "Karkausvuosi", "funderId": stm, "closesAt": "2020-05-29T16:15:00+03:00", "maxAidRate": "80", "reportSchedule": { "interimMonth": 2, "interimDay": 29, "finalAfterMonths": 4 } } });
        assert_eq!(app.graphql(Some(&admin), CREATE_CALL, refused).await.error("BAD_USER_INPUT")["extensions"]["field"], "reportSchedule");
        let call = id(&app.ok(&admin, CREATE_CALL, new_call).await["createGrantCall"]);

        // MONNI: 820 000 € of costs, 656 000 € of aid, the 20 % pledged by three organisations.
        let input = json!({ "name": "MONNI – monitoimijainen lastensuojelun kehittäminen", "acronym": "MONNI", "callId": call, "leadId": sonet, "periodStart": "2020-09-01", "periodEnd": "2022-12-31" });
        let monni = id(&application(&app, &coordinator, input).await);
        let lines = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "300000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "250000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "200000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": "70000.00" },
        ]);
        budget(&app, &finance, &monni, 1, lines, "656000.00").await;
        for (who, amount) in [(&seinajoki, "80000.00"), (&tampere, "50000.00"), (&sonet, "34000.00")] {
            let pledge = json!({ "applicationId": monni, "organizationId": who, "amount": amount, "status": "APPROVED", "level": "BOARD" });
            app.ok(&finance, ADD_COMMITMENT, json!({ "input": pledge })).await;
        }
        transition(&app, &coordinator, &monni, 2, "IN_PREPARATION").await;
        transition(&app, &coordinator, &monni, 3, "SUBMITTED").await;
        let granted = transition(&app, &finance, &monni, 4, "GRANTED").await;
        assert_eq!(granted["status"], "GRANTED");

        // The grant made the schedule's reports, each a deadline; the final one is reportDue.
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await["application"].clone();
        let owed: Vec<(&str, &str)> = project["reports"].as_array().unwrap().iter().map(|r| (r["kind"].as_str().unwrap(), r["dueOn"].as_str().unwrap())).collect();
        assert_eq!(owed, [("INTERIM", "2021-02-28"), ("INTERIM", "2022-02-28"), ("FINAL", "2023-04-30")]);
        assert_eq!(project["reportDue"], "2023-04-30");
        assert_eq!(project["reports"][2]["monthsAfterEnd"], 4);
        let report_deadlines: Vec<&str> = project["deadlines"].as_array().unwrap().iter().filter(|d| d["kind"] == "REPORT_DUE").map(|d| d["title"].as_str().unwrap()).collect();
        assert_eq!(report_deadlines, ["MONNI – Interim report", "MONNI – Interim report", "MONNI – Final report"]);
        let interim = project["reports"][0].clone();
        let interim2 = project["reports"][1]["id"].clone();

        // STM's allocation, and its plan: one cent above the allocation is refused and changes nothing.
        let allocate = json!({ "input": { "funderId": stm, "recipientId": sonet, "applicationId": monni, "year": 2020, "amount": "656000.00", "decisionDate": "2020-06-12" } });
        let allocation = id(&app.ok(&finance, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", allocate).await["recordAllocation"]);
        let plan = mutation("planInstalments", "PlanInstalmentsInput", "plannedTotal unplanned version instalments { label dueOn }");
        let over = json!({ "input": { "allocationId": allocation, "instalments": [
            { "dueOn": "2020-10-01", "amount": "300000.00" },
            { "dueOn": "2021-04-30", "amount": "356000.01" },
        ] } });
        let refused = app.graphql(Some(&finance), &plan, over).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("0.01 above the allocation"));
        app.graphql(Some(&coordinator), &plan, json!({ "input": { "allocationId": allocation } })).await.error("FORBIDDEN");
        // Planned in two steps: the answer is the whole plan, in due order, the new among the old.
        let planned = json!({ "input": { "allocationId": allocation, "instalments": [
            { "dueOn": "2020-10-01", "amount": "300000.00", "label": "1" },
            { "dueOn": "2022-04-30", "amount": "156000.00", "conditionReportId": interim2, "label": "3" },
        ] } });
        let plan_now = app.ok(&finance, &plan, planned).await["planInstalments"].clone();
        assert_eq!((&plan_now["plannedTotal"], &plan_now["unplanned"]), (&json!("456000.00"), &json!("200000.00")));
        let planned = json!({ "input": { "allocationId": allocation, "idempotencyKey": "toinen-erä", "instalments": [
            { "dueOn": "2021-04-30", "amount": "200000.00", "conditionReportId": interim["id"], "label": "2" },
        ] } });
        let plan_now = app.ok(&finance, &plan, planned.clone()).await["planInstalments"].clone();
        // Sent again with its key, it plans nothing more and answers the same.
        assert_eq!(app.ok(&finance, &plan, planned).await["planInstalments"], plan_now);
        assert_eq!((&plan_now["plannedTotal"], &plan_now["unplanned"], &plan_now["version"]), (&json!("656000.00"), &json!("0.00"), &json!(3)));
        let listed: Vec<(&Value, &Value)> =
            plan_now["instalments"].as_array().unwrap().iter().map(|i| (&i["label"], &i["dueOn"])).collect();
        assert_eq!(listed, [
            (&json!("1"), &json!("2020-10-01")),
            (&json!("2"), &json!("2021-04-30")),
            (&json!("3"), &json!("2022-04-30")),
        ]);
        let cash_before = moving(&app.ok(&finance, CASH_FLOW, json!({})).await);
        assert_eq!(cash_before, [
            row("2020-Q4", "300000.00", "0.00", "0.00", "0.00"),
            row("2021-Q2", "200000.00", "0.00", "0.00", "0.00"),
            row("2022-Q2", "156000.00", "0.00", "0.00", "0.00"),
        ]);

        // The first instalment: requested by the coordinator, paid by finance staff.
        let instalments = |v: &Value| v["application"]["allocations"][0]["instalments"].as_array().unwrap().clone();
        let listed = instalments(&app.ok(&finance, ALLOCATION, json!({ "id": monni })).await);
        let request = mutation("requestInstalment", "InstalmentMoveInput", "status version");
        let first = app.ok(&coordinator, &request, json!({ "input": { "id": listed[0]["id"], "expectedVersion": 1 } })).await;
        assert_eq!(first["requestInstalment"]["status"], "REQUESTED");
        let pay = "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { amount instalment { status } } }";
        let payment = |instalment: &Value, on: &str, amount: &str| json!({ "input": { "allocationId": allocation, "paidOn": on, "amount": amount, "instalmentId": instalment } });
        app.graphql(Some(&finance), pay, payment(&listed[0]["id"], "2020-10-05", "299999.99")).await.error("BAD_USER_INPUT");
        let paid = app.ok(&finance, pay, payment(&listed[0]["id"], "2020-10-05", "300000.00")).await;
        assert_eq!(paid["recordPayment"]["instalment"]["status"], "PAID");

        // The second waits for the interim report: it cannot be requested, nor paid, while held.
        assert_eq!(listed[1]["held"], true);
        let held = app.graphql(Some(&coordinator), &request, json!({ "input": { "id": listed[1]["id"], "expectedVersion": 1 } })).await;
        assert!(held.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("report it waits for is accepted"));
        app.graphql(Some(&finance), pay, payment(&listed[1]["id"], "2021-03-01", "200000.00")).await.error("BAD_USER_INPUT");
        let state = app.ok(&finance, ALLOCATION, json!({ "id": monni })).await;
        assert_eq!(state["application"]["allocations"][0]["paidTotal"], "300000.00", "nothing was paid on the held instalment");

        // The interim report: submitted without costs (it has no financial part), returned with
        // reasons and a new due date, resubmitted and accepted. While it is with the funder it
        // calls for no action from the project; returned, it does again.
        let upcoming = "{ upcomingDeadlines(withinDays: 400) { kind localDue } }";
        let reports_due = |v: Value| -> Vec<String> { v["upcomingDeadlines"].as_array().unwrap().iter().filter(|d| d["kind"] == "REPORT_DUE").map(|d| d["localDue"].as_str().unwrap().to_owned()).collect() };
        assert_eq!(reports_due(app.ok(&coordinator, upcoming, json!({})).await), ["2021-02-28 23:59"]);
        let submit = mutation("submitReport", "SubmitReportInput", REPORT);
        let with_costs = json!({ "input": { "id": interim["id"], "expectedVersion": 1, "actualCosts": [{ "category": "TRAVEL", "year": 2021, "amount": "1.00" }] } });
        assert_eq!(app.graphql(Some(&coordinator), &submit, with_costs).await.error("BAD_USER_INPUT")["extensions"]["field"], "actualCosts");
        // Its document is attached to the project and submitted with it (named twice, kept once).
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        let document = app.upload(Some(&coordinator), &monni, "valiselvitys.pdf", pdf).await.data()["attachDocument"]["id"].clone();
        let with_document = json!({ "input": { "id": interim["id"], "expectedVersion": 1, "documentIds": [document, document] } });
        let submitted = app.ok(&coordinator, &mutation("submitReport", "SubmitReportInput", "id status version documents { fileName }"), with_document).await["submitReport"].clone();
        assert_eq!(submitted["status"], "SUBMITTED");
        assert_eq!(submitted["documents"], json!([{ "fileName": "valiselvitys.pdf" }]));
        assert!(reports_due(app.ok(&coordinator, upcoming, json!({})).await).is_empty());
        let give_back = mutation("returnReport", "ReturnReportInput", REPORT);
        let returning = json!({ "input": { "id": interim["id"], "expectedVersion": submitted["version"], "reasons": "Kuntakohtaiset tulokset puuttuvat", "newDueOn": "2021-04-15" } });
        app.graphql(Some(&coordinator), &give_back, returning.clone()).await.error("FORBIDDEN");
        let returned = app.ok(&finance, &give_back, returning).await["returnReport"].clone();
        assert_eq!((&returned["status"], &returned["dueOn"]), (&json!("RETURNED"), &json!("2021-04-15")));
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await["application"].clone();
        assert_eq!(project["reports"][0]["returnReasons"], "Kuntakohtaiset tulokset puuttuvat");
        assert!(project["deadlines"].as_array().unwrap().iter().any(|d| d["localDue"] == "2021-04-15 23:59"), "the deadline moved");
        assert_eq!(reports_due(app.ok(&coordinator, upcoming, json!({})).await), ["2021-04-15 23:59"]);
        let resubmitted = app.ok(&coordinator, &submit, json!({ "input": { "id": interim["id"], "expectedVersion": returned["version"] } })).await["submitReport"].clone();
        let accept = mutation("acceptReport", "AcceptReportInput", REPORT);
        let accepted = app.ok(&finance, &accept, json!({ "input": { "id": interim["id"], "expectedVersion": resubmitted["version"] } })).await;
        assert_eq!(accepted["acceptReport"]["status"], "ACCEPTED");

        // The instalment waiting for it moved as many days as the report did (28.2. → 15.4.), and
        // is requested and paid now.
        let second = instalments(&app.ok(&finance, ALLOCATION, json!({ "id": monni })).await)[1].clone();
        assert_eq!((&second["dueOn"], &second["held"]), (&json!("2021-06-15"), &json!(false)));
        app.ok(&coordinator, &request, json!({ "input": { "id": second["id"], "expectedVersion": second["version"] } })).await;
        app.ok(&finance, pay, payment(&listed[1]["id"], "2021-05-10", "200000.00")).await;

        // An extension to 30.6.2023 moves the final report four months after the new end and
        // adds the interim report of 28.2.2023.
        let ask = json!({ "input": { "applicationId": monni, "justification": "Rekrytointi viivästyi", "newEnd": "2023-06-30", "submit": true } });
        let change = app.ok(&coordinator, "mutation($input: CreateChangeRequestInput!) { createChangeRequest(input: $input) { id version } }", ask).await["createChangeRequest"].clone();
        let decide = json!({ "input": { "id": change["id"], "expectedVersion": change["version"], "decisionRef": "VN/5678/2022", "parts": [{ "kind": "EXTENSION", "decision": "APPROVED" }] } });
        app.ok(&finance, "mutation($input: DecideChangeRequestInput!) { decideChangeRequest(input: $input) { status } }", decide).await;
        let project = app.ok(&coordinator, PROJECT, json!({ "id": monni })).await["application"].clone();
        let owed: Vec<(&str, &str, &str)> = project["reports"].as_array().unwrap().iter().map(|r| (r["kind"].as_str().unwrap(), r["dueOn"].as_str().unwrap(), r["status"].as_str().unwrap())).collect();
        assert_eq!(owed, [
            ("INTERIM", "2021-04-15", "ACCEPTED"),
            ("INTERIM", "2022-02-28", "DUE"),
            ("INTERIM", "2023-02-28", "DUE"),
            ("FINAL", "2023-10-31", "DUE"),
        ]);
        assert_eq!(project["reportDue"], "2023-10-31");

        // The other interim reports go through; the third instalment is paid after the second.
        let reports = project["reports"].as_array().unwrap().clone();
        for report in &reports[1..3] {
            let s = app.ok(&coordinator, &submit, json!({ "input": { "id": report["id"], "expectedVersion": report["version"] } })).await["submitReport"].clone();
            app.ok(&finance, &accept, json!({ "input": { "id": report["id"], "expectedVersion": s["version"] } })).await;
        }
        app.ok(&coordinator, &request, json!({ "input": { "id": listed[2]["id"], "expectedVersion": 1 } })).await;
        // A payment settling its instalment reads the instalment and the report it waited for
        // beside the held allocation, and writes once (the writes' counts: tests/api/writes.rs).
        let pay_counted = "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { id } }";
        let (paying, _) = counted(&app, &finance, pay_counted, payment(&listed[2]["id"], "2022-05-10", "156000.00")).await;

        // The final report states actual costs below the plan; until it is accepted the account
        // is provisional, and the project cannot close.
        let final_report = &reports[3];
        let spent = json!([
            { "category": "PERSONNEL", "year": 2021, "amount": "290000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "250000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "180000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": "45000.01" },
        ]);
        let no_costs = json!({ "input": { "id": final_report["id"], "expectedVersion": final_report["version"] } });
        assert_eq!(app.graphql(Some(&coordinator), &submit, no_costs).await.error("BAD_USER_INPUT")["extensions"]["field"], "actualCosts");
        let s = app.ok(&coordinator, &submit, json!({ "input": { "id": final_report["id"], "expectedVersion": final_report["version"], "actualCosts": spent } })).await["submitReport"].clone();
        let account = app.ok(&finance, ACCOUNT, json!({ "id": monni })).await["application"]["finalAccount"].clone();
        assert_eq!(account["provisional"], true);
        let version = app.ok(&finance, PROJECT, json!({ "id": monni })).await["application"]["version"].as_i64().unwrap();
        transition(&app, &finance, &monni, version, "ACTIVE").await;
        let close = |v: i64| json!({ "input": { "id": monni, "expectedVersion": v, "to": "CLOSED" } });
        let early = app.graphql(Some(&finance), TRANSITION, close(version + 1)).await;
        assert!(early.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("1 not accepted yet"), "a report is missing");
        app.ok(&finance, &accept, json!({ "input": { "id": final_report["id"], "expectedVersion": s["version"] } })).await;

        // The final account: 612 000 € earned of the 656 000 € paid; 44 000 € to return, and the
        // realised self-funding shared by commitment to the cent.
        let account = app.ok(&finance, ACCOUNT, json!({ "id": monni })).await["application"]["finalAccount"].clone();
        assert_eq!(account["provisional"], false);
        assert_eq!(account["basis"]["kind"], "FINAL");
        let figures: Vec<&str> = ["approvedCost", "actualCost", "eligibleCost", "aidEarned", "paid", "balance", "toPay", "toReturn", "realisedSelfFunding"].iter().map(|k| account[*k].as_str().unwrap()).collect();
        assert_eq!(figures, ["820000.00", "765000.01", "765000.01", "612000.00", "656000.00", "-44000.00", "0.00", "44000.00", "153000.01"]);
        let shares: Vec<(&str, &str)> = account["shares"].as_array().unwrap().iter().map(|s| (s["organization"]["name"].as_str().unwrap(), s["realised"].as_str().unwrap())).collect();
        assert_eq!(shares, [("Seinäjoen kaupunki", "74634.15"), ("Tampereen kaupunki", "46646.35"), ("SONet BOTNIA", "31719.51")]);

        // Closing waits for the return; one cent more than is owed is refused.
        let unsettled = app.graphql(Some(&finance), TRANSITION, close(version + 1)).await;
        assert!(unsettled.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("44000.00 to be returned"));
        let repay = mutation("recordRepayment", "RecordRepaymentInput", "amount returnedOn");
        let repayment = |amount: &str| json!({ "input": { "applicationId": monni, "returnedOn": "2023-12-15", "amount": amount, "reference": "Takaisinperintä VN/9999/2023" } });
        app.graphql(Some(&finance), &repay, repayment("44000.01")).await.error("BAD_USER_INPUT");
        app.ok(&finance, &repay, repayment("44000.00")).await;
        let account = app.ok(&finance, ACCOUNT, json!({ "id": monni })).await["application"]["finalAccount"].clone();
        assert_eq!((&account["returned"], &account["settled"]), (&json!("44000.00"), &json!(true)));
        let version = app.ok(&finance, PROJECT, json!({ "id": monni })).await["application"]["version"].as_i64().unwrap();
        let closing = json!({ "input": { "id": monni, "expectedVersion": version, "to": "CLOSED" } });
        let close_counted = "mutation($input: TransitionApplicationInput!) { transitionApplication(input: $input) { status } }";
        let (closing, closed) = counted(&app, &finance, close_counted, closing).await;
        assert_eq!(closed["transitionApplication"]["status"], "CLOSED");
        // Closing reads the reports and the final account beside the project, then writes, without
        // a transaction: its writes are kept only while the project's row is as read (a payment or
        // a report meanwhile moves it). A payment of an instalment reads and writes without a
        // transaction too, its writes kept only while its allocation and project are as read.
        let bounds = if store == Store::Postgres { (2, 2) } else { (8, 11) };
        assert!(paying <= bounds.0 && closing <= bounds.1, "statements: paying {paying}, closing {closing}");
        eprintln!("statements: paying an instalment {paying}, closing {closing}");
        // Closed and settled: nothing more is planned or paid.
        let more = json!({ "input": { "allocationId": allocation, "instalments": [{ "dueOn": "2024-01-31", "amount": "1.00" }] } });
        app.graphql(Some(&finance), &plan, more).await.error("BAD_USER_INPUT");
        let late = json!({ "input": { "allocationId": allocation, "paidOn": "2024-01-31", "amount": "1.00" } });
        app.graphql(Some(&finance), pay, late).await.error("BAD_USER_INPUT");

        // Seinäjoki's exposure now holds its realised share of MONNI.
        let realised = app.ok(&finance, "query($id: ID!) { exposure(organizationId: $id) { realised { amount application { acronym } } realisedTotal } }", json!({ "id": seinajoki })).await;
        assert_eq!(realised["exposure"], json!({ "realised": [{ "amount": "74634.15", "application": { "acronym": "MONNI" } }], "realisedTotal": "74634.15" }));

        // The cash flow by quarter now shows what was paid when, and what came back.
        let cash_after = moving(&app.ok(&finance, CASH_FLOW, json!({})).await);
        assert_eq!(cash_after, [
            row("2020-Q4", "300000.00", "0.00", "300000.00", "0.00"),
            row("2021-Q2", "200000.00", "0.00", "200000.00", "0.00"),
            row("2022-Q2", "156000.00", "0.00", "156000.00", "0.00"),
            row("2023-Q4", "0.00", "0.00", "0.00", "44000.00"),
        ]);
        let elsewhere = app.ok(&finance, CASH_FLOW, json!({ "filter": { "regionCode": "15" } })).await;
        assert!(moving(&elsewhere).is_empty(), "no money of projects in Pohjanmaa");
        let ministry = app.token(Role::Ministry, None);
        let by_year = app.ok(&ministry, "{ cashFlow(from: \"2020-01-01\", to: \"2023-12-31\", interval: YEAR) { period paid } }", json!({})).await;
        let paid: Vec<&str> = by_year["cashFlow"].as_array().unwrap().iter().map(|p| p["paid"].as_str().unwrap()).collect();
        assert_eq!(paid, ["300000.00", "200000.00", "156000.00", "0.00"]);
    }

    async fn a_report_added_by_hand_is_a_deadline_and_the_default_plan_pays_sixty_per_cent_first(t: TestDatabase) {
        let app = TestApp::start_at(t, salkku_demo::demo::demo_now()).await;
        let g = ground(&app).await;
        let finance = app.token(Role::Finance, None);
        let input = json!({ "name": "Kansa-koulu III", "acronym": "KK3", "callId": g.call80, "leadId": g.sonet, "periodStart": "2020-09-01", "periodEnd": "2021-12-31", "reportDue": "2022-04-30" });
        let project = id(&application(&app, &g.admin, input).await);
        // The old reportDue is the final report.
        let reports = app.ok(&finance, PROJECT, json!({ "id": project })).await["application"]["reports"].clone();
        assert_eq!((&reports[0]["kind"], &reports[0]["dueOn"], &reports[0]["fromSchedule"]), (&json!("FINAL"), &json!("2022-04-30"), &json!(false)));
        let add = mutation("addReportObligation", "AddReportObligationInput", "kind dueOn statesCosts title");
        let adhoc = json!({ "input": { "applicationId": project, "kind": "FINANCIAL", "dueOn": "2021-06-30", "title": "Kustannusselvitys", "statesCosts": false } });
        app.graphql(Some(&finance), &add, adhoc).await.error("BAD_USER_INPUT");
        let adhoc = json!({ "input": { "applicationId": project, "kind": "FINANCIAL", "dueOn": "2021-06-30", "title": "Kustannusselvitys" } });
        let added = app.ok(&finance, &add, adhoc).await["addReportObligation"].clone();
        assert_eq!(added["statesCosts"], true);
        let deadlines = app.ok(&finance, PROJECT, json!({ "id": project })).await["application"]["deadlines"].clone();
        assert!(deadlines.as_array().unwrap().iter().any(|d| d["title"] == "KK3, Kustannusselvitys – Financial report"), "{deadlines}");

        let allocate = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "applicationId": project, "year": 2020, "amount": "656000.00", "decisionDate": "2020-06-12" } });
        let allocation = id(&app.ok(&finance, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", allocate).await["recordAllocation"]);
        let plan = mutation("planInstalments", "PlanInstalmentsInput", "instalments { dueOn amount condition { kind } } unplanned");
        let planned = app.ok(&finance, &plan, json!({ "input": { "allocationId": allocation } })).await["planInstalments"].clone();
        assert_eq!(planned["instalments"], json!([
            { "dueOn": "2020-06-12", "amount": "393600.00", "condition": null },
            { "dueOn": "2022-04-30", "amount": "262400.00", "condition": { "kind": "FINAL" } },
        ]));
        assert_eq!(planned["unplanned"], "0.00");
        let cleared = json!({ "input": { "id": project, "expectedVersion": 1, "reportDue": null } });
        let refused = app.graphql(Some(&finance), "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { id } }", cleared).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "reportDue", "an instalment waits for the final report");

        // Moved instead, the final report takes the instalment waiting for it along, as many days
        // later; renamed, the project's deadlines say its new name.
        let moved = json!({ "input": { "id": project, "expectedVersion": 1, "acronym": "KK III", "reportDue": "2022-05-31" } });
        let update = mutation("updateApplication", "UpdateApplicationInput", "acronym reportDue version");
        let updated = app.ok(&finance, &update, moved).await["updateApplication"].clone();
        assert_eq!(updated, json!({ "acronym": "KK III", "reportDue": "2022-05-31", "version": 2 }));
        let seen = app.ok(&finance, PROJECT, json!({ "id": project })).await["application"].clone();
        let owed = seen["reports"].as_array().unwrap();
        let last = owed.iter().find(|r| r["kind"] == "FINAL").unwrap();
        assert_eq!((&last["dueOn"], &last["version"]), (&json!("2022-05-31"), &json!(2)));
        let deadlines = seen["deadlines"].as_array().unwrap();
        assert_eq!(deadlines.len(), 3, "its end and two reports: {deadlines:?}");
        assert!(deadlines.iter().all(|d| d["title"].as_str().unwrap().starts_with("KK III")), "{deadlines:?}");
        let dues: Vec<&str> = deadlines.iter().map(|d| d["localDue"].as_str().unwrap()).collect();
        assert!(dues.contains(&"2022-05-31 23:59") && !dues.contains(&"2022-04-30 23:59"), "{dues:?}");
        let allocation = app.ok(&finance, ALLOCATION, json!({ "id": project })).await;
        let waiting = allocation["application"]["allocations"][0]["instalments"][1].clone();
        assert_eq!((&waiting["dueOn"], &waiting["condition"]["kind"]), (&json!("2022-05-31"), &json!("FINAL")));
    }
}
