//! Every error code of the contract, each with its `extensions.code`, and nothing changed by a
//! mutation that failed.

use chrono::{Duration, Utc};
use salkku_domain::Role;
use salkku_domain::ids::{self, OrganizationId};
use salkku_e2e::{TestApp, on_both};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::fixtures::*;

const COUNT: &str = "{ applications { totalCount } organizations { totalCount } grantCalls { totalCount } }";

on_both! {
    async fn no_or_expired_tokens_are_unauthenticated(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let nobody = app.graphql(None, "{ applications { totalCount } }", json!({})).await;
        nobody.error("UNAUTHENTICATED");
        let expired = app.state.tokens.mint("old", Role::Admin, None, Duration::seconds(-3600), Utc::now()).unwrap();
        let answer = app.graphql(Some(&expired), "{ me { subject } }", json!({})).await;
        assert_eq!(answer.status, 401);
        assert_eq!(answer.error("UNAUTHENTICATED")["message"], "token expired: get a new one");
    }

    async fn roles_that_may_not_change_something_are_forbidden_and_change_nothing(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let other = org(&app, &g.admin, "Socom Oy", "COMPETENCE_CENTRE", Some("08")).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet })).await;
        let before = app.ok(&g.admin, COUNT, json!({})).await;

        let ministry = app.token(Role::Ministry, None);
        app.graphql(Some(&ministry), CREATE_ORG, json!({ "input": { "name": "X", "kind": "NGO" } })).await.error("FORBIDDEN");
        let outsider = app.token(Role::Coordinator, Some(OrganizationId::from_global(&other).unwrap()));
        app.graphql(Some(&outsider), "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { name } }", json!({ "input": { "id": monni["id"], "expectedVersion": 1, "name": "Kaapattu" } })).await.error("FORBIDDEN");
        app.graphql(Some(&outsider), CREATE_APP, json!({ "input": { "name": "Toisen nimissä", "leadId": g.sonet } })).await.error("FORBIDDEN");
        let insider = app.token(Role::Coordinator, Some(OrganizationId::from_global(&g.sonet).unwrap()));
        app.graphql(Some(&insider), SET_BUDGET, json!({ "input": { "applicationId": monni["id"], "expectedVersion": 1, "lines": [], "stateAidRequested": "1.00" } })).await.error("FORBIDDEN");
        // An instalment of an allocation that funds no project is finance staff's alone, even for
        // a coordinator of its recipient.
        let allocate = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "year": 2021, "amount": "1000.00" } });
        let allocation = app.ok(&g.admin, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", allocate).await;
        let planned = json!({ "input": { "allocationId": allocation["recordAllocation"]["id"], "instalments": [{ "dueOn": "2021-03-01", "amount": "1000.00" }] } });
        let planned = app.ok(&g.admin, "mutation($input: PlanInstalmentsInput!) { planInstalments(input: $input) { instalments { id version status } } }", planned).await;
        let instalment = planned["planInstalments"]["instalments"][0].clone();
        let request = json!({ "input": { "id": instalment["id"], "expectedVersion": instalment["version"] } });
        let refused = app.graphql(Some(&insider), "mutation($input: InstalmentMoveInput!) { requestInstalment(input: $input) { status } }", request).await;
        assert!(refused.error("FORBIDDEN")["message"].as_str().unwrap().contains("no project"), "{:#}", refused.body);
        let kept = app.ok(&g.admin, "{ allocations(first: 10) { nodes { instalments { id version status } } } }", json!({})).await;
        assert_eq!(kept["allocations"]["nodes"][0]["instalments"], json!([instalment]));

        assert_eq!(app.ok(&g.admin, COUNT, json!({})).await, before);
        let kept = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { name version } }", json!({ "id": monni["id"] })).await;
        assert_eq!(kept["application"], json!({ "name": "MONNI", "version": 1 }));
    }

    async fn bad_input_names_the_field_and_changes_nothing(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "callId": g.call80 })).await;
        let before = app.ok(&g.admin, COUNT, json!({})).await;
        let cases = [
            (SET_BUDGET, json!({ "applicationId": monni["id"], "expectedVersion": 1, "lines": [{ "category": "PERSONNEL", "year": 2021, "amount": "100.00" }, { "category": "TRAVEL", "year": 2021, "amount": "0.001" }], "stateAidRequested": "0" }), "lines[1].amount"),
            (SET_BUDGET, json!({ "applicationId": monni["id"], "expectedVersion": 1, "lines": [], "stateAidRequested": "-5.00" }), "stateAidRequested"),
            (SET_BUDGET, json!({ "applicationId": g.sonet, "expectedVersion": 1, "lines": [], "stateAidRequested": "0" }), "applicationId"),
            (CREATE_CALL, json!({ "title": "X", "funderId": g.stm, "closesAt": "2020-01-01T00:00:00Z", "maxAidRate": "100.01" }), "maxAidRate"),
            (CREATE_CALL, json!({ "title": "X", "funderId": g.stm, "opensAt": "2020-02-01T00:00:00Z", "closesAt": "2020-01-01T00:00:00Z", "maxAidRate": "80" }), "closesAt"),
            (CREATE_ORG, json!({ "name": "Nokia", "kind": "COMPANY", "businessId": "0112038-8" }), "businessId"),
            (CREATE_ORG, json!({ "name": "Itä-Uusimaa", "kind": "REGIONAL_COUNCIL", "regionCode": "03" }), "regionCode"),
            (CREATE_ORG, json!({ "name": " ", "kind": "NGO" }), "name"),
            (CREATE_APP, json!({ "name": "X", "leadId": g.sonet, "periodStart": "2022-01-01", "periodEnd": "2021-12-31" }), "periodEnd"),
            (CREATE_APP, json!({ "name": "X", "leadId": g.call80 }), "leadId"),
            (CREATE_APP, json!({ "name": "X", "leadId": g.sonet, "callId": g.stm }), "callId"),
            (CREATE_APP, json!({ "name": "X", "leadId": "T3JnYW5pemF0aW9uOjk5OTk" }), "leadId"),
            (CREATE_APP, json!({ "name": "X", "leadId": g.sonet, "regionCodes": ["14", "99"] }), "regionCodes[1]"),
            (CREATE_APP, json!({ "name": "X", "leadId": g.sonet, "periodEnd": "31.12.2022" }), "periodEnd"),
            (CREATE_CALL, json!({ "title": "X", "funderId": g.stm, "closesAt": "2020-05-29 16:15", "maxAidRate": "80" }), "closesAt"),
            (ADD_COMMITMENT, json!({ "applicationId": monni["id"], "organizationId": g.sonet, "amount": "1.00", "dueDate": "2020-02-30" }), "dueDate"),
        ];
        for (mutation, input, field) in cases {
            let answer = app.graphql(Some(&g.admin), mutation, json!({ "input": input })).await;
            let error = answer.error("BAD_USER_INPUT");
            assert_eq!(error["extensions"]["field"], field, "{error}");
        }
        // A JSON number where a Decimal string belongs is refused before anything runs.
        let number = app.graphql(Some(&g.admin), SET_BUDGET, json!({ "input": { "applicationId": monni["id"], "expectedVersion": 1, "lines": [], "stateAidRequested": 5 } })).await;
        number.error("BAD_USER_INPUT");
        let unknown_status = app.graphql(Some(&g.admin), "{ applications(filter: { status: [NOPE] }) { totalCount } }", json!({})).await;
        assert_eq!(unknown_status.status, 400);
        assert_eq!(unknown_status.error("BAD_USER_INPUT")["extensions"]["field"], "filter.status.0");
        assert_eq!(app.ok(&g.admin, COUNT, json!({})).await, before);
        let kept = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { version budget { total } } }", json!({ "id": monni["id"] })).await;
        assert_eq!(kept["application"], json!({ "version": 1, "budget": { "total": "0.00" } }));
    }

    async fn missing_objects_are_not_found_and_lookups_answer_null(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let ghost = salkku_domain::ids::ApplicationId(4242).global();
        let update = app.graphql(Some(&g.admin), "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { id } }", json!({ "input": { "id": ghost, "expectedVersion": 1, "name": "Y" } })).await;
        update.error("NOT_FOUND");
        let transition = app.graphql(Some(&g.admin), TRANSITION, json!({ "input": { "id": ghost, "expectedVersion": 1, "to": "WITHDRAWN" } })).await;
        transition.error("NOT_FOUND");
        // The moves of things a project owns: every role that may make them hears NOT_FOUND from
        // the change itself (a coordinator's part in the project is read with it); a ministry is
        // refused before anything is looked up.
        let coordinator = app.token(Role::Coordinator, Some(OrganizationId::from_global(&g.sonet).unwrap()));
        let finance = app.token(Role::Finance, None);
        let ministry = app.token(Role::Ministry, None);
        let moves = [
            ("submitChangeRequest", "ChangeRequestMoveInput", ids::ChangeRequestId(4242).global()),
            ("withdrawChangeRequest", "ChangeRequestMoveInput", ids::ChangeRequestId(4242).global()),
            ("submitReport", "SubmitReportInput", ids::ReportId(4242).global()),
            ("requestInstalment", "InstalmentMoveInput", ids::InstalmentId(4242).global()),
            ("updateCommitment", "UpdateCommitmentInput", ids::CommitmentId(4242).global()),
        ];
        for (name, input, id) in moves {
            let query = format!("mutation($input: {input}!) {{ {name}(input: $input) {{ id }} }}");
            let variables = json!({ "input": { "id": id, "expectedVersion": 1 } });
            for token in [&g.admin, &finance, &coordinator] {
                app.graphql(Some(token), &query, variables.clone()).await.error("NOT_FOUND");
            }
            app.graphql(Some(&ministry), &query, variables).await.error("FORBIDDEN");
        }
        // A document for an owner that is not there: the same, each kind of owner.
        let pdf = b"%PDF-1.4\n%salkku\n".to_vec();
        let owners = [
            ids::ApplicationId(4242).global(),
            ids::CommitmentId(4242).global(),
            ids::ChangeRequestId(4242).global(),
            ids::DecisionId(4242).global(),
        ];
        for owner in owners {
            for token in [&g.admin, &finance, &coordinator] {
                app.upload(Some(token), &owner, "liite.pdf", pdf.clone()).await.error("NOT_FOUND");
            }
            app.upload(Some(&ministry), &owner, "liite.pdf", pdf.clone()).await.error("FORBIDDEN");
        }
        let lookup = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { id } node(id: $id) { id } }", json!({ "id": ghost })).await;
        assert_eq!(lookup, json!({ "application": null, "node": null }));
        let garbage = app.graphql(Some(&g.admin), "{ node(id: \"not-an-id\") { id } }", json!({})).await;
        assert_eq!(garbage.error("BAD_USER_INPUT")["extensions"]["field"], "id");
    }

    async fn too_large_a_page_exceeds_the_limit(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        let answer = app.graphql(Some(&token), "{ applications(first: 101) { totalCount } }", json!({})).await;
        let error = answer.error("LIMIT_EXCEEDED");
        assert!(error["message"].as_str().unwrap().contains("100"), "{error}");
        app.ok(&token, "{ applications(first: 100) { totalCount } }", json!({})).await;
    }

    async fn a_database_failure_is_internal_and_says_nothing_of_it(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let token = app.admin();
        app.db().conn().execute_unprepared("ALTER TABLE regions RENAME TO regions_gone").await.unwrap();
        let answer = app.graphql(Some(&token), "{ regions { code } }", json!({})).await;
        let error = answer.error("INTERNAL");
        let message = error["message"].as_str().unwrap();
        assert!(!message.contains("regions") && !message.to_lowercase().contains("table") && !message.contains("relation"), "{message}");
        let id = error["extensions"]["correlationId"].as_str().unwrap();
        assert!(message.contains(id));
    }
}
