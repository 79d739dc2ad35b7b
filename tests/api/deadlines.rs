//! Deadlines in Helsinki time across the change to summer time, overdue ones, and filters.

use salkku_domain::Role;
use salkku_domain::deadline::helsinki;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const UPCOMING: &str = "query($days: Int!, $overdue: Boolean!, $filter: DeadlineFilter) { upcomingDeadlines(withinDays: $days, includeOverdue: $overdue, filter: $filter) { kind title dueAt localDue daysLeft overdue tentative application { name } call { title } } }";

fn titles(v: &Value) -> Vec<String> {
    v["upcomingDeadlines"].as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap().to_owned()).collect()
}

on_both! {
    async fn deadlines_keep_local_time_in_winter_and_in_summer(t: TestDatabase) {
        // Friday 20 March 2020, before the clocks went forward on the 29th.
        let app = TestApp::start_at(t, helsinki(2020, 3, 20, 9, 0).unwrap()).await;
        let g = ground(&app).await;
        call(&app, &g.admin, &g.stm, "Talviaikainen haku", "2020-03-27T16:15:00+02:00", "100").await;
        call(&app, &g.admin, &g.stm, "Kesäaikainen haku", "2020-04-03T13:15:00Z", "100").await;
        let due = app.ok(&g.admin, UPCOMING, json!({ "days": 15, "overdue": false, "filter": { "kind": ["CALL_CLOSES"] } })).await;
        let list = due["upcomingDeadlines"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((list[0]["dueAt"].as_str(), list[0]["localDue"].as_str(), list[0]["daysLeft"].as_i64()), (Some("2020-03-27T16:15:00+02:00"), Some("2020-03-27 16:15"), Some(7)));
        assert_eq!((list[1]["dueAt"].as_str(), list[1]["localDue"].as_str(), list[1]["daysLeft"].as_i64()), (Some("2020-04-03T16:15:00+03:00"), Some("2020-04-03 16:15"), Some(14)));
        assert_eq!(list[1]["call"]["title"], "Kesäaikainen haku");
        // A week is not enough to reach the summer-time call.
        let week = app.ok(&g.admin, UPCOMING, json!({ "days": 7, "overdue": false, "filter": { "kind": ["CALL_CLOSES"] } })).await;
        assert_eq!(titles(&week), ["Talviaikainen haku"]);
    }

    async fn overdue_deadlines_are_listed_while_they_still_call_for_action(t: TestDatabase) {
        let app = TestApp::start_at(t, helsinki(2020, 6, 20, 9, 0).unwrap()).await;
        let g = ground(&app).await;
        let seinajoki = org(&app, &g.admin, "Seinäjoen kaupunki", "MUNICIPALITY", Some("14")).await;
        let vaasa = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "regionCodes": ["14"], "periodEnd": "2022-12-31" })).await;
        let pledge = |organization: &str| json!({ "input": { "applicationId": monni["id"], "organizationId": organization, "amount": "10000.00", "dueDate": "2020-06-18" } });
        app.ok(&g.admin, ADD_COMMITMENT, pledge(&seinajoki)).await;
        let vaasa_pledge = app.ok(&g.admin, ADD_COMMITMENT, pledge(&vaasa)).await["addCommitment"].clone();
        let update = "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { status } }";
        app.ok(&g.admin, update, json!({ "input": { "id": vaasa_pledge["id"], "expectedVersion": 1, "status": "APPROVED" } })).await;
        let add = "mutation($input: AddDeadlineInput!) { addDeadline(input: $input) { kind title localDue tentative daysLeft overdue } }";
        let tentative = app.ok(&g.admin, add, json!({ "input": { "title": "ESR-hakemus valmiina?", "dueAt": "2020-07-15T16:00:00+03:00", "tentative": true, "applicationId": monni["id"] } })).await;
        assert_eq!(tentative["addDeadline"], json!({ "kind": "CUSTOM", "title": "ESR-hakemus valmiina?", "localDue": "2020-07-15 16:00", "tentative": true, "daysLeft": 25, "overdue": false }));

        let with_overdue = app.ok(&g.admin, UPCOMING, json!({ "days": 30, "overdue": true })).await;
        let list = with_overdue["upcomingDeadlines"].as_array().unwrap();
        assert_eq!(list.len(), 2, "{list:#?}");
        assert_eq!((list[0]["kind"].as_str(), list[0]["overdue"].as_bool(), list[0]["daysLeft"].as_i64()), (Some("COMMITMENT_DUE"), Some(true), Some(-2)));
        assert!(list[0]["title"].as_str().unwrap().contains("Seinäjoen kaupunki"), "the approved commitment is done; the requested one is overdue");
        assert_eq!(list[1]["tentative"], true);
        let without = app.ok(&g.admin, UPCOMING, json!({ "days": 30, "overdue": false })).await;
        assert_eq!(titles(&without), ["ESR-hakemus valmiina?"]);

        // The region and organisation filters find what concerns them.
        let region = app.ok(&g.admin, UPCOMING, json!({ "days": 1000, "overdue": true, "filter": { "regionCode": "15" } })).await;
        assert!(titles(&region).is_empty());
        let vaasa_view = app.ok(&g.admin, UPCOMING, json!({ "days": 1000, "overdue": true, "filter": { "organizationId": seinajoki } })).await;
        assert_eq!(vaasa_view["upcomingDeadlines"].as_array().unwrap().len(), 1);
        let lead_view = app.ok(&app.token(Role::Coordinator, Some(OrganizationId::from_global(&g.sonet).unwrap())), UPCOMING, json!({ "days": 1000, "overdue": true, "filter": { "organizationId": g.sonet, "kind": ["PROJECT_ENDS"] } })).await;
        assert_eq!(lead_view["upcomingDeadlines"][0]["localDue"], "2022-12-31 23:59");

        // Withdrawing the application ends its duties.
        transition(&app, &g.admin, &id(&monni), 1, "WITHDRAWN").await;
        let after = app.ok(&g.admin, UPCOMING, json!({ "days": 1000, "overdue": true })).await;
        assert!(titles(&after).is_empty(), "{after:#}");
    }

    async fn an_organisations_upcoming_deadlines_follow_the_statuses_of_what_they_are_for(t: TestDatabase) {
        let app = TestApp::start_at(t, helsinki(2020, 6, 20, 9, 0).unwrap()).await;
        let g = ground(&app).await;
        let seinajoki = org(&app, &g.admin, "Seinäjoen kaupunki", "MUNICIPALITY", Some("14")).await;
        let monni = application(&app, &g.admin, json!({ "name": "MONNI", "leadId": g.sonet, "regionCodes": ["14"], "periodEnd": "2022-12-31" })).await;
        let pledge = json!({ "input": { "applicationId": monni["id"], "organizationId": seinajoki, "amount": "10000.00", "dueDate": "2020-08-31" } });
        let pledged = app.ok(&g.admin, ADD_COMMITMENT, pledge).await["addCommitment"].clone();
        let of = |organization: &str| json!({ "days": 1000, "overdue": false, "filter": { "organizationId": organization } });
        let kinds = |v: &Value| -> Vec<String> { v["upcomingDeadlines"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_owned()).collect() };
        assert_eq!(kinds(&app.ok(&g.admin, UPCOMING, of(&seinajoki)).await), ["COMMITMENT_DUE"]);
        assert_eq!(kinds(&app.ok(&g.admin, UPCOMING, of(&g.sonet)).await), ["COMMITMENT_DUE", "PROJECT_ENDS"]);

        // Approved at board level, the commitment no longer calls for action, for anyone.
        let update = "mutation($input: UpdateCommitmentInput!) { updateCommitment(input: $input) { status } }";
        app.ok(&g.admin, update, json!({ "input": { "id": pledged["id"], "expectedVersion": 1, "status": "APPROVED" } })).await;
        assert!(kinds(&app.ok(&g.admin, UPCOMING, of(&seinajoki)).await).is_empty());
        assert_eq!(kinds(&app.ok(&g.admin, UPCOMING, of(&g.sonet)).await), ["PROJECT_ENDS"]);
        // The application moves on; then the approval turns out to have been entered on the wrong
        // commitment and is set back to requested: it is due again.
        transition(&app, &g.admin, &id(&monni), 1, "IN_PREPARATION").await;
        app.ok(&g.admin, update, json!({ "input": { "id": pledged["id"], "expectedVersion": 2, "status": "REQUESTED" } })).await;
        assert_eq!(kinds(&app.ok(&g.admin, UPCOMING, of(&seinajoki)).await), ["COMMITMENT_DUE"]);

        // Withdrawn, the application's deadlines end, its commitment's too.
        transition(&app, &g.admin, &id(&monni), 2, "WITHDRAWN").await;
        assert!(kinds(&app.ok(&g.admin, UPCOMING, of(&seinajoki)).await).is_empty());
        assert!(kinds(&app.ok(&g.admin, UPCOMING, of(&g.sonet)).await).is_empty());
    }
}
