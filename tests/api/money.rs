//! Allocations and payments, idempotent creates, apportionment: money exact to the cent.

use salkku_domain::Role;
use salkku_e2e::{TestApp, on_both};
use serde_json::json;

use crate::fixtures::*;

const RECORD: &str =
    "mutation($input: RecordAllocationInput!) { recordAllocation(input: $input) { id amount paidTotal version } }";
const PAY: &str =
    "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { id amount paidOn reference } }";

on_both! {
    async fn payments_add_up_and_never_exceed_the_allocation(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let finance = app.token(Role::Finance, None);
        let allocation = app.ok(&finance, RECORD, json!({ "input": {
            "funderId": g.stm, "recipientId": g.sonet, "year": 2020, "amount": "225225.00", "decisionRef": "8,19 % × 2 750 000 €"
        } })).await["recordAllocation"].clone();
        assert_eq!(allocation["paidTotal"], "0.00");
        for (day, amount) in [("2020-03-31", "112612.50"), ("2020-09-30", "112612.49")] {
            app.ok(&finance, PAY, json!({ "input": { "allocationId": allocation["id"], "paidOn": day, "amount": amount } })).await;
        }
        let over = app.graphql(Some(&finance), PAY, json!({ "input": { "allocationId": allocation["id"], "paidOn": "2020-12-31", "amount": "0.02" } })).await;
        let error = over.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "amount");
        app.ok(&finance, PAY, json!({ "input": { "allocationId": allocation["id"], "paidOn": "2020-12-31", "amount": "0.01" } })).await;
        let paid = app.ok(&finance, "{ allocations(filter: { year: 2020 }) { totalCount nodes { paidTotal version payments { amount paidOn } recipient { name } } } }", json!({})).await;
        let node = &paid["allocations"]["nodes"][0];
        assert_eq!(node["paidTotal"], "225225.00");
        assert_eq!(node["version"], 4);
        assert_eq!(node["payments"].as_array().unwrap().len(), 3);
        assert_eq!(node["recipient"]["name"], "SONet BOTNIA");
    }

    async fn an_idempotency_key_creates_once(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let finance = app.token(Role::Finance, None);
        let input = json!({ "input": { "funderId": g.stm, "recipientId": g.sonet, "year": 2021, "amount": "290000.00", "idempotencyKey": "stm-2021" } });
        let first = app.ok(&finance, RECORD, input.clone()).await;
        let replay = app.ok(&finance, RECORD, input.clone()).await;
        assert_eq!(first, replay);
        let apps = json!({ "input": { "name": "Kansa-koulu III", "leadId": g.sonet, "idempotencyKey": "kk3" } });
        let a = app.ok(&g.admin, CREATE_APP, apps.clone()).await;
        let b = app.ok(&g.admin, CREATE_APP, apps.clone()).await;
        assert_eq!(a, b);
        let counts = app.ok(&finance, "{ allocations { totalCount } applications { totalCount } }", json!({})).await;
        assert_eq!((counts["allocations"]["totalCount"].as_i64(), counts["applications"]["totalCount"].as_i64()), (Some(1), Some(1)));
        // A key belongs to its subject: another user's "kk3" is a different request.
        let other = app.ok(&finance, CREATE_APP, apps.clone()).await;
        assert_ne!(other, a);
        assert_eq!(app.ok(&finance, CREATE_APP, apps).await, other);
        let counts = app.ok(&g.admin, "{ applications { totalCount } }", json!({})).await;
        assert_eq!(counts["applications"]["totalCount"], 2);
    }

    async fn apportion_splits_the_self_funding_share_by_population(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let ilmajoki = org(&app, &g.admin, "Ilmajoen kunta", "MUNICIPALITY", Some("14")).await;
        let lapua = org(&app, &g.admin, "Lapuan kaupunki", "MUNICIPALITY", Some("14")).await;
        let query = "query($amount: Decimal!, $weights: [WeightInput!]!) { apportion(amount: $amount, weights: $weights) { organizationId amount } }";
        let shares = app.ok(&g.admin, query, json!({ "amount": "100.00", "weights": [
            { "organizationId": g.sonet, "weight": "1" }, { "organizationId": ilmajoki, "weight": "1" }, { "organizationId": lapua, "weight": "1" },
        ] })).await["apportion"].clone();
        assert_eq!(shares, json!([
            { "organizationId": g.sonet, "amount": "33.34" }, { "organizationId": ilmajoki, "amount": "33.33" }, { "organizationId": lapua, "amount": "33.33" },
        ]));
        let refused = app.graphql(Some(&g.admin), query, json!({ "amount": "100.00", "weights": [{ "organizationId": g.stm, "weight": "-1" }] })).await;
        refused.error("BAD_USER_INPUT");
        let unknown = app.graphql(Some(&g.admin), query, json!({ "amount": "100.00", "weights": [{ "organizationId": g.call80, "weight": "1" }] })).await;
        assert_eq!(unknown.error("BAD_USER_INPUT")["extensions"]["field"], "weights[0].organizationId");
    }
}
