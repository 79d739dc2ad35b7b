//! Who may change what: every mutation × every role × own and other organisation, each answered
//! with success or FORBIDDEN, and nothing changed by a forbidden one.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

/// Everything the API lets an admin see, to compare before and after.
const STATE: &str = "{ organizations(first: 100) { totalCount } programmes { id } grantCalls(first: 100) { totalCount } applications(first: 100) { totalCount nodes { id version name status budget { total } commitments { id version status amount } deadlines { title } history { to } } } allocations(first: 100) { totalCount nodes { version paidTotal payments { amount } } } }";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    LeadCoordinator,
    CoImplementerCoordinator,
    OtherCoordinator,
    CoordinatorWithoutOrganisation,
    Finance,
    Ministry,
    Admin,
}

const ACTORS: [Actor; 7] = [
    Actor::LeadCoordinator,
    Actor::CoImplementerCoordinator,
    Actor::OtherCoordinator,
    Actor::CoordinatorWithoutOrganisation,
    Actor::Finance,
    Actor::Ministry,
    Actor::Admin,
];

/// What each mutation needs, made fresh for every attempt.
struct Scene {
    stm: String,
    lead: String,
    co_implementer: String,
    application: String,
    commitment: String,
    allocation: String,
}

async fn scene(app: &TestApp, admin: &str, stm: &str, lead: &str, co_implementer: &str, other: &str) -> Scene {
    let application = application(app, admin, json!({
        "name": "MONNI", "leadId": lead,
        "participants": [{ "organizationId": co_implementer, "role": "CO_IMPLEMENTER" }, { "organizationId": other, "role": "PARTNER" }],
    })).await;
    let commitment = app
        .ok(
            admin,
            ADD_COMMITMENT,
            json!({ "input": { "applicationId": application["id"], "organizationId": other, "amount": "1000.00" } }),
        )
        .await;
    let allocation = app.ok(admin, "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }", json!({ "input": { "funderId": stm, "recipientId": lead, "applicationId": application["id"], "year": 2021, "amount": "5000.00" } })).await;
    Scene {
        stm: stm.to_owned(),
        lead: lead.to_owned(),
        co_implementer: co_implementer.to_owned(),
        application: id(&application),
        commitment: id(&commitment["addCommitment"]),
        allocation: id(&allocation["recordAllocation"]),
    }
}

/// A mutation, its input in a scene, and the actors allowed to run it.
struct Case {
    name: &'static str,
    query: &'static str,
    input: fn(&Scene) -> Value,
    allowed: &'static [Actor],
}

const APPLICATION_PEOPLE: &[Actor] =
    &[Actor::LeadCoordinator, Actor::CoImplementerCoordinator, Actor::Finance, Actor::Admin];
const MONEY_PEOPLE: &[Actor] = &[Actor::Finance, Actor::Admin];
const ADMINS: &[Actor] = &[Actor::Admin];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "createOrganization",
            query: CREATE_ORG,
            input: |_| json!({ "name": "Uusi kunta", "kind": "MUNICIPALITY" }),
            allowed: ADMINS,
        },
        Case {
            name: "createProgramme",
            query: "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id } }",
            input: |s| json!({ "name": "Ohjelma", "funderId": s.stm }),
            allowed: ADMINS,
        },
        Case {
            name: "createGrantCall",
            query: CREATE_CALL,
            input: |s| json!({ "title": "Haku", "funderId": s.stm, "closesAt": "2020-06-30T16:15:00+03:00", "maxAidRate": "80" }),
            allowed: ADMINS,
        },
        Case {
            name: "createApplication (lead)",
            query: CREATE_APP,
            input: |s| json!({ "name": "Uusi", "leadId": s.lead }),
            allowed: &[Actor::LeadCoordinator, Actor::Finance, Actor::Admin],
        },
        Case {
            name: "createApplication (co-implementer)",
            query: CREATE_APP,
            input: |s| json!({ "name": "Uusi", "leadId": s.stm, "participants": [{ "organizationId": s.co_implementer, "role": "CO_IMPLEMENTER" }] }),
            allowed: &[Actor::CoImplementerCoordinator, Actor::Finance, Actor::Admin],
        },
        Case {
            name: "updateApplication",
            query: "mutation($input: UpdateApplicationInput!) { updateApplication(input: $input) { id } }",
            input: |s| json!({ "id": s.application, "expectedVersion": 1, "name": "Muutettu", "participants": [] }),
            allowed: APPLICATION_PEOPLE,
        },
        Case {
            name: "transitionApplication",
            query: TRANSITION,
            input: |s| json!({ "id": s.application, "expectedVersion": 1, "to": "IN_PREPARATION" }),
            allowed: APPLICATION_PEOPLE,
        },
        Case {
            name: "setBudget",
            query: SET_BUDGET,
            input: |s| json!({ "applicationId": s.application, "expectedVersion": 1, "lines": [{ "category": "PERSONNEL", "year": 2021, "amount": "10.00" }], "stateAidRequested": "8.00" }),
            allowed: MONEY_PEOPLE,
        },
        Case {
            name: "addCommitment",
            query: ADD_COMMITMENT,
            input: |s| json!({ "applicationId": s.application, "organizationId": s.lead, "amount": "1.00" }),
            allowed: APPLICATION_PEOPLE,
        },
        Case {
            name: "updateCommitment",
            query: "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { id } }",
            input: |s| json!({ "id": s.commitment, "expectedVersion": 1, "status": "APPROVED" }),
            allowed: APPLICATION_PEOPLE,
        },
        Case {
            name: "recordAllocation",
            query: "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id } }",
            input: |s| json!({ "funderId": s.stm, "recipientId": s.lead, "year": 2022, "amount": "1.00" }),
            allowed: MONEY_PEOPLE,
        },
        Case {
            name: "recordPayment",
            query: "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { id } }",
            input: |s| json!({ "allocationId": s.allocation, "paidOn": "2021-03-01", "amount": "1.00" }),
            allowed: MONEY_PEOPLE,
        },
        Case {
            name: "addDeadline (application)",
            query: "mutation($input: AddDeadlineInput!) { addDeadline(input: $input) { title } }",
            input: |s| json!({ "title": "Väliraportti", "dueAt": "2021-03-01T16:00:00+02:00", "applicationId": s.application }),
            allowed: APPLICATION_PEOPLE,
        },
        Case {
            name: "addDeadline (no application)",
            query: "mutation($input: AddDeadlineInput!) { addDeadline(input: $input) { title } }",
            input: |_| json!({ "title": "Johtoryhmä", "dueAt": "2021-03-01T16:00:00+02:00" }),
            allowed: MONEY_PEOPLE,
        },
    ]
}

on_both! {
    async fn every_mutation_answers_every_role_as_the_policy_says(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let co_implementer = org(&app, &g.admin, "Pikassos Oy", "COMPANY", Some("06")).await;
        let other = org(&app, &g.admin, "Socom Oy", "COMPETENCE_CENTRE", Some("08")).await;
        // The other organisation leads a project of its own: leading one project opens no other.
        application(&app, &g.admin, json!({ "name": "Socomin oma", "leadId": other })).await;
        let key = |global: &str| Some(OrganizationId::from_global(global).unwrap());
        let token = |actor: Actor| match actor {
            Actor::LeadCoordinator => app.token(Role::Coordinator, key(&g.sonet)),
            Actor::CoImplementerCoordinator => app.token(Role::Coordinator, key(&co_implementer)),
            Actor::OtherCoordinator => app.token(Role::Coordinator, key(&other)),
            Actor::CoordinatorWithoutOrganisation => app.token(Role::Coordinator, None),
            Actor::Finance => app.token(Role::Finance, None),
            Actor::Ministry => app.token(Role::Ministry, key(&g.stm)),
            Actor::Admin => app.admin(),
        };
        let mut checked = 0;
        for case in cases() {
            for actor in ACTORS {
                let s = scene(&app, &g.admin, &g.stm, &g.sonet, &co_implementer, &other).await;
                let before = app.ok(&g.admin, STATE, json!({})).await;
                let answer = app.graphql(Some(&token(actor)), case.query, json!({ "input": (case.input)(&s) })).await;
                if case.allowed.contains(&actor) {
                    assert!(answer.body.get("errors").is_none(), "{} as {actor:?} should succeed: {:#}", case.name, answer.body);
                } else {
                    assert_eq!(answer.codes(), ["FORBIDDEN"], "{} as {actor:?} should be forbidden: {:#}", case.name, answer.body);
                    assert_eq!(app.ok(&g.admin, STATE, json!({})).await, before, "{} as {actor:?} changed something", case.name);
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 14 * 7);
    }

    async fn everyone_signed_in_reads_everything(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        for role in [Role::Coordinator, Role::Finance, Role::Ministry, Role::Admin] {
            let read = app.ok(&app.token(role, None), "{ applications { totalCount } portfolio { applicationCount } upcomingDeadlines { title } }", json!({})).await;
            assert_eq!(read["applications"]["totalCount"], 14, "{role:?}");
        }
    }
}
