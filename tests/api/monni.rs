//! MONNI as finance staff and a coordinator live it: an 80 % call, a budget over three years,
//! commitments of several kinds and statuses, the split going from not compliant to compliant,
//! and a stale version refused.

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::json;

use crate::fixtures::*;

const SPLIT: &str = "query($id: ID!) { application(id: $id) { version fundingSplit { totalCost maxAidRate stateAid stateAidRate selfFundingRequired selfFundingCommitted selfFundingGap compliant violations { code message amount } } budget { total byYear { year amount } byCategory { category amount } lines { category year amount } } } }";

on_both! {
    async fn the_monni_split_goes_from_uncovered_to_compliant(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let pikassos = org(&app, &g.admin, "Pikassos Oy", "COMPANY", Some("06")).await;
        let seinajoki = org(&app, &g.admin, "Seinäjoen kaupunki", "MUNICIPALITY", Some("14")).await;
        let tampere = org(&app, &g.admin, "Tampereen kaupunki", "MUNICIPALITY", Some("06")).await;
        let pshp = org(&app, &g.admin, "Pirkanmaan sairaanhoitopiiri", "HOSPITAL_DISTRICT", Some("06")).await;
        let jik = org(&app, &g.admin, "JIK peruspalveluliikelaitoskuntayhtymä", "JOINT_MUNICIPAL_AUTHORITY", Some("14")).await;
        let sonet_key = OrganizationId::from_global(&g.sonet).unwrap();
        let coordinator = app.token(Role::Coordinator, Some(sonet_key));
        let finance = app.token(Role::Finance, Some(sonet_key));

        let monni = application(&app, &coordinator, json!({
            "name": "MONNI – Lastensuojelun monialainen kehittäminen",
            "acronym": "MONNI",
            "callId": g.call80,
            "leadId": g.sonet,
            "participants": [{ "organizationId": pikassos, "role": "CO_IMPLEMENTER" }],
            "regionCodes": ["05", "06", "14"],
            "periodStart": "2020-09-01",
            "periodEnd": "2022-12-31",
        })).await;
        assert_eq!((monni["status"].as_str(), monni["version"].as_i64()), (Some("IDEA"), Some(1)));
        let id = id(&monni);

        // A budget over three years; state aid exactly 80 % of 900 000.00.
        let lines = json!([
            { "category": "PERSONNEL", "year": 2020, "amount": "80000.00" },
            { "category": "PERSONNEL", "year": 2021, "amount": "240000.00" },
            { "category": "PERSONNEL", "year": 2022, "amount": "240000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "100000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2022, "amount": "100000.00" },
            { "category": "TRAVEL", "year": 2021, "amount": "20000.00" },
            { "category": "OVERHEAD", "year": 2022, "amount": "120000.00" },
        ]);
        let budgeted = budget(&app, &finance, &id, 1, lines, "720000.00").await;
        assert_eq!(budgeted["budget"]["total"], "900000.00");
        assert_eq!(budgeted["version"], 2);

        // Commitments of several kinds and statuses; only pledged cash counts under this call.
        for (organization, amount, kind, status) in [
            (&seinajoki, "60000.00", "CASH", "APPROVED"),
            (&tampere, "50000.00", "CASH", "PROMISED"),
            (&pshp, "40000.00", "IN_KIND", "PROMISED"),
            (&jik, "30000.00", "CASH", "DECLINED"),
        ] {
            let input = json!({ "applicationId": id, "organizationId": organization, "amount": amount, "kind": kind, "status": status, "dueDate": "2020-06-18" });
            app.ok(&coordinator, ADD_COMMITMENT, json!({ "input": input })).await;
        }
        let requested = app.ok(&coordinator, ADD_COMMITMENT, json!({ "input": {
            "applicationId": id, "organizationId": jik, "amount": "70000.00", "dueDate": "2020-06-18"
        } })).await["addCommitment"].clone();
        assert_eq!((requested["status"].as_str(), requested["version"].as_i64()), (Some("REQUESTED"), Some(1)));

        let split = &app.ok(&finance, SPLIT, json!({ "id": id })).await["application"];
        assert_eq!(split["fundingSplit"], json!({
            "totalCost": "900000.00",
            "maxAidRate": "80.00",
            "stateAid": "720000.00",
            "stateAidRate": "80.00",
            "selfFundingRequired": "180000.00",
            "selfFundingCommitted": "110000.00",
            "selfFundingGap": "70000.00",
            "compliant": false,
            "violations": [{
                "code": "SELF_FUNDING_UNCOVERED",
                "message": "commitments cover 110000.00 of the required self-funding 180000.00: 70000.00 is missing",
                "amount": "70000.00",
            }],
        }));
        assert_eq!(split["budget"]["byYear"], json!([
            { "year": 2020, "amount": "80000.00" }, { "year": 2021, "amount": "360000.00" }, { "year": 2022, "amount": "460000.00" },
        ]));
        assert_eq!(split["budget"]["byCategory"][0], json!({ "category": "PERSONNEL", "amount": "560000.00" }));

        // The joint authority's board approves the requested 70 000: the split is compliant.
        let update = "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { version status decidedAt decisionRef } }";
        let approved = app.ok(&coordinator, update, json!({ "input": {
            "id": requested["id"], "expectedVersion": 1, "status": "APPROVED", "decidedAt": "2020-06-16", "decisionRef": "perusturvalautakunta 16.6.2020 § 7"
        } })).await["updateCommitment"].clone();
        assert_eq!(approved, json!({ "version": 2, "status": "APPROVED", "decidedAt": "2020-06-16", "decisionRef": "perusturvalautakunta 16.6.2020 § 7" }));
        let split = &app.ok(&finance, SPLIT, json!({ "id": id })).await["application"]["fundingSplit"];
        assert_eq!((split["compliant"].as_bool(), split["selfFundingGap"].as_str()), (Some(true), Some("0.00")));

        // Someone who still holds version 1 of the commitment is refused, and nothing changes.
        let stale = app.graphql(Some(&coordinator), update, json!({ "input": { "id": requested["id"], "expectedVersion": 1, "status": "DECLINED" } })).await;
        stale.error("CONFLICT");
        let after = app.ok(&finance, "query($id: ID!) { node(id: $id) { ... on Commitment { status version } } }", json!({ "id": requested["id"] })).await;
        assert_eq!(after["node"], json!({ "status": "APPROVED", "version": 2 }));

        // A stale budget is refused too, and the budget stays as it was.
        let stale = app.graphql(Some(&finance), SET_BUDGET, json!({ "input": { "applicationId": id, "expectedVersion": 1, "lines": [], "stateAidRequested": "0" } })).await;
        let error = stale.error("CONFLICT");
        assert!(error["message"].as_str().unwrap().contains("version 1"), "{error}");
        let kept = &app.ok(&finance, SPLIT, json!({ "id": id })).await["application"];
        assert_eq!((kept["version"].as_i64(), kept["budget"]["total"].as_str()), (Some(2), Some("900000.00")));
    }

    async fn an_80_percent_call_flags_state_aid_one_cent_above_80_percent_of_the_budget(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let created = application(&app, &g.admin, json!({ "name": "Rajatapaus", "callId": g.call80, "leadId": g.sonet })).await;
        let lines = json!([{ "category": "PERSONNEL", "year": 2021, "amount": "500000.00" }]);
        let over = budget(&app, &g.admin, &id(&created), 1, lines.clone(), "400000.01").await;
        assert_eq!(over["fundingSplit"]["violations"][0], json!({ "code": "AID_RATE_EXCEEDED", "amount": "0.01" }));
        let exact = budget(&app, &g.admin, &id(&created), 2, lines, "400000.00").await;
        assert_eq!(exact["fundingSplit"]["violations"][0]["code"], "SELF_FUNDING_UNCOVERED");
    }

    async fn kansa_koulu_iii_is_funded_100_percent_and_can_be_submitted(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let call100 = call(&app, &g.admin, &g.stm, "Sosiaalihuollon kirjaamisvalmennus", "2020-04-30T16:15:00+03:00", "100.00").await;
        let kk3 = application(&app, &g.admin, json!({ "name": "Kansa-koulu III", "callId": call100, "leadId": g.sonet })).await;
        let kk3_id = id(&kk3);
        let lines = json!([
            { "category": "PERSONNEL", "year": 2020, "description": "TP1", "amount": "320000.00" },
            { "category": "PERSONNEL", "year": 2021, "description": "TP2", "amount": "250000.00" },
            { "category": "PURCHASED_SERVICES", "year": 2021, "amount": "100000.00" },
            { "category": "MATERIALS", "year": 2020, "amount": "30000.00" },
        ]);
        let budgeted = budget(&app, &g.admin, &kk3_id, 1, lines, "700000.00").await;
        assert_eq!(budgeted["fundingSplit"], json!({ "compliant": true, "violations": [] }));
        let prepared = transition(&app, &g.admin, &kk3_id, 2, "IN_PREPARATION").await;
        let input = json!({ "id": kk3_id, "expectedVersion": prepared["version"], "to": "SUBMITTED", "at": "2020-04-30T15:00:00+03:00", "decisionRef": "jätetty STM:lle" });
        let submitted = app.ok(&g.admin, TRANSITION, json!({ "input": input })).await["transitionApplication"].clone();
        assert_eq!(submitted["status"], "SUBMITTED");
        assert_eq!(submitted["submittedAt"], "2020-04-30T15:00:00+03:00");
        let split = &app.ok(&g.admin, SPLIT, json!({ "id": kk3_id })).await["application"]["fundingSplit"];
        assert_eq!((split["stateAidRate"].as_str(), split["selfFundingRequired"].as_str()), (Some("100.00"), Some("0.00")));
    }
}
