//! Decisions on record and their documents through the API: a board's decision recorded, listed
//! and pointed to, its PDF attached and downloaded with the owner's authorisation; and the
//! refusals (a file too large or of the wrong type, someone else's decision or project, no token).

use salkku_domain::Role;
use salkku_domain::ids::OrganizationId;
use salkku_e2e::{TestApp, on_both};
use serde_json::{Value, json};

use crate::fixtures::*;

const RECORD: &str = "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { id body decidedOn reference summary organization { name } application { name } } }";
const LIST: &str = "query($filter: DecisionFilter) { decisions(filter: $filter) { totalCount nodes { reference decidedOn organization { name } } } }";

/// A small but real PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn org_id(id: &str) -> OrganizationId {
    OrganizationId::from_global(id).unwrap()
}

async fn decision(
    app: &TestApp,
    token: &str,
    organization: &str,
    on: &str,
    reference: &str,
    application: Option<&str>,
) -> Answer {
    let input = json!({ "organizationId": organization, "body": "kaupunginhallitus", "decidedOn": on, "reference": reference, "summary": "Osallistutaan MONNI-hankkeeseen", "applicationId": application });
    app.graphql(Some(token), RECORD, json!({ "input": input })).await
}

use salkku_e2e::Answer;

on_both! {
    async fn a_board_decision_is_recorded_listed_and_pointed_to_by_the_commitment_it_approves(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let seinajoki = org(&app, &g.admin, "Seinäjoen kaupunki", "MUNICIPALITY", Some("14")).await;
        let vaasa = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let monni = id(&application(&app, &g.admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet })).await);
        // The city's coordinator records the city's decisions, not another's.
        let city = app.token(Role::Coordinator, Some(org_id(&seinajoki)));
        let recorded = decision(&app, &city, &seinajoki, "2020-06-08", "§ 201", Some(&monni)).await;
        let recorded = recorded.data()["recordDecision"].clone();
        assert_eq!(recorded["organization"]["name"], "Seinäjoen kaupunki");
        assert_eq!(recorded["application"]["name"], "MONNI");
        decision(&app, &city, &vaasa, "2020-06-10", "§ 5", None).await.error("FORBIDDEN");
        let ministry = app.token(Role::Ministry, None);
        decision(&app, &ministry, &seinajoki, "2020-06-10", "§ 5", None).await.error("FORBIDDEN");
        let vaasas = decision(&app, &g.admin, &vaasa, "2020-06-15", "§ 88", Some(&monni)).await.data()["recordDecision"].clone();
        // The city's coordinator attaches the minutes to the city's decision, not to another's.
        let minutes = app.upload(Some(&city), recorded["id"].as_str().unwrap(), "pöytäkirja.pdf", pdf()).await;
        assert_eq!(minutes.data()["attachDocument"]["fileName"], "pöytäkirja.pdf");
        let refused = app.upload(Some(&city), vaasas["id"].as_str().unwrap(), "vieras.pdf", pdf()).await;
        assert!(refused.error("FORBIDDEN")["message"].as_str().unwrap().contains("own organisation's decisions"), "{:#}", refused.body);
        let documents = "query($id: ID!) { decision(id: $id) { documents { fileName } } }";
        assert_eq!(app.ok(&g.admin, documents, json!({ "id": vaasas["id"] })).await["decision"]["documents"], json!([]));
        assert_eq!(app.ok(&g.admin, documents, json!({ "id": recorded["id"] })).await["decision"]["documents"], json!([{ "fileName": "pöytäkirja.pdf" }]));
        decision(&app, &g.admin, &vaasa, "2019-01-15", "§ 1", None).await.data();

        // Listed newest first, filtered by organisation, project and date.
        let all = app.ok(&ministry, LIST, json!({})).await["decisions"].clone();
        let refs: Vec<&str> = all["nodes"].as_array().unwrap().iter().map(|d| d["reference"].as_str().unwrap()).collect();
        assert_eq!(refs, ["§ 88", "§ 201", "§ 1"]);
        let filtered = |filter: Value| { let app = &app; let ministry = &ministry; async move {
            app.ok(ministry, LIST, json!({ "filter": filter })).await["decisions"]["totalCount"].as_i64().unwrap()
        } };
        assert_eq!(filtered(json!({ "organizationId": vaasa })).await, 2);
        assert_eq!(filtered(json!({ "applicationId": monni })).await, 2);
        assert_eq!(filtered(json!({ "from": "2020-06-09", "to": "2020-06-30" })).await, 1);

        // The commitment the decision approves points to it.
        let input = json!({ "applicationId": monni, "organizationId": seinajoki, "amount": "40000.00", "status": "APPROVED", "decisionRef": "kaupunginhallitus 8.6.2020 § 201", "decisionId": recorded["id"] });
        let pledged = app.ok(&g.admin, "mutation($input: AddCommitmentInput!) { addCommitment(input: $input) { decision { reference body } } }", json!({ "input": input })).await;
        assert_eq!(pledged["addCommitment"]["decision"], json!({ "reference": "§ 201", "body": "kaupunginhallitus" }));
        // A decision about another project, or another organisation's, does not approve it.
        let other = id(&application(&app, &g.admin, json!({ "name": "Toinen", "leadId": g.sonet })).await);
        let input = json!({ "applicationId": other, "organizationId": seinajoki, "amount": "1.00", "decisionId": recorded["id"] });
        let refused = app.graphql(Some(&g.admin), ADD_COMMITMENT, json!({ "input": input })).await;
        assert!(refused.error("BAD_USER_INPUT")["message"].as_str().unwrap().contains("another project"));
        let input = json!({ "applicationId": monni, "organizationId": vaasa, "amount": "1.00", "decisionId": recorded["id"] });
        app.graphql(Some(&g.admin), ADD_COMMITMENT, json!({ "input": input })).await.error("BAD_USER_INPUT");
        // A decision that does not exist is refused.
        let input = json!({ "applicationId": monni, "organizationId": seinajoki, "amount": "1.00", "decisionId": salkku_domain::ids::DecisionId(999).global() });
        let refused = app.graphql(Some(&g.admin), ADD_COMMITMENT, json!({ "input": input })).await;
        assert_eq!(refused.error("BAD_USER_INPUT")["extensions"]["field"], "decisionId");
    }

    async fn a_decisions_pdf_is_attached_and_downloaded_with_its_owners_authorisation(t: TestDatabase) {
        let app = TestApp::start(t).await;
        let g = ground(&app).await;
        let stm_decision = decision(&app, &g.admin, &g.stm, "2020-06-12", "VN/1234/2020", None).await.data()["recordDecision"].clone();
        let finance = app.token(Role::Finance, None);
        let attached = app.upload(Some(&finance), stm_decision["id"].as_str().unwrap(), "C:\\päätökset\\STM päätös.pdf", pdf()).await;
        let document = attached.data()["attachDocument"].clone();
        assert_eq!(document["fileName"], "STM päätös.pdf");
        assert_eq!(document["mediaType"], "application/pdf");
        assert_eq!(document["sizeBytes"], pdf().len());
        assert_eq!(document["sha256"].as_str().unwrap().len(), 64);
        let listed = app.ok(&g.admin, "query($id: ID!) { decision(id: $id) { documents { id fileName } } }", json!({ "id": stm_decision["id"] })).await;
        assert_eq!(listed["decision"]["documents"][0]["id"], document["id"]);

        // Downloaded as an attachment the browser does not interpret.
        let url = document["url"].as_str().unwrap();
        let ministry = app.token(Role::Ministry, None);
        let response = app.client.get(url).bearer_auth(&ministry).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "application/pdf");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''STM%20p%C3%A4%C3%A4t%C3%B6s.pdf"), "{disposition}");
        assert_eq!(response.bytes().await.unwrap().to_vec(), pdf());
        // Not without a token, and not a document that does not exist.
        assert_eq!(app.client.get(url).send().await.unwrap().status(), 401);
        let unknown = format!("{}/documents/{}", app.url, salkku_domain::ids::DocumentId(999).global());
        assert_eq!(app.client.get(&unknown).bearer_auth(&ministry).send().await.unwrap().status(), 404);
        let not_an_id = format!("{}/documents/..%2F..%2Fetc%2Fpasswd", app.url);
        assert_eq!(app.client.get(&not_an_id).bearer_auth(&ministry).send().await.unwrap().status(), 404);
    }

    async fn files_of_the_wrong_type_too_large_or_for_someone_elses_project_are_refused_and_change_nothing(t: TestDatabase) {
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), |s| s.files.max_bytes = 1024).await;
        let g = ground(&app).await;
        let monni = id(&application(&app, &g.admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet })).await);
        let executable = [0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0].to_vec();
        let refused = app.upload(Some(&g.admin), &monni, "ohjelma.pdf", executable).await;
        let error = refused.error("BAD_USER_INPUT");
        assert_eq!(error["extensions"]["field"], "file");
        assert!(error["message"].as_str().unwrap().contains("is not accepted"), "{error}");
        // One byte over the limit is refused by the multipart reader, before any resolver runs.
        let mut large = pdf();
        large.resize(1025, b' ');
        let too_large = app.upload(Some(&g.admin), &monni, "iso.pdf", large).await;
        assert_eq!(too_large.status, 413);
        assert!(too_large.codes().contains(&"LIMIT_EXCEEDED".to_owned()), "{:?}", too_large.body);
        let mut fits = pdf();
        fits.resize(1024, b' ');
        app.upload(Some(&g.admin), &monni, "mahtuu.pdf", fits).await.data();
        // A coordinator of another organisation may not attach to this project.
        let other = org(&app, &g.admin, "Vaasan kaupunki", "MUNICIPALITY", Some("15")).await;
        let stranger = app.token(Role::Coordinator, Some(org_id(&other)));
        app.upload(Some(&stranger), &monni, "vieras.pdf", pdf()).await.error("FORBIDDEN");
        // Documents belong to applications, commitments, decisions and change requests only.
        app.upload(Some(&g.admin), &g.stm, "stm.pdf", pdf()).await.error("BAD_USER_INPUT");
        app.upload(None, &monni, "anon.pdf", pdf()).await.error("UNAUTHENTICATED");
        let documents = app.ok(&g.admin, "query($id: ID!) { application(id: $id) { documents { fileName } } }", json!({ "id": monni })).await;
        assert_eq!(documents["application"]["documents"], json!([{ "fileName": "mahtuu.pdf" }]));
    }

    async fn documents_may_be_kept_in_a_directory_named_by_their_hash(t: TestDatabase) {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("salkku-documents-{}-{nanos}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let kept = dir.clone();
        let app = TestApp::start_configured(t, salkku_demo::demo::demo_now(), move |s| s.files.directory = Some(kept)).await;
        let g = ground(&app).await;
        let monni = id(&application(&app, &g.admin, json!({ "name": "MONNI", "callId": g.call80, "leadId": g.sonet })).await);
        let text = "Pöytäkirjanote 11.5.2020 § 7\n".as_bytes().to_vec();
        let document = app.upload(Some(&g.admin), &monni, "ote.txt", text.clone()).await.data()["attachDocument"].clone();
        assert_eq!(document["mediaType"], "text/plain");
        let sha = document["sha256"].as_str().unwrap();
        assert_eq!(std::fs::read(dir.join(&sha[..2]).join(sha)).unwrap(), text);
        let response = app.client.get(document["url"].as_str().unwrap()).bearer_auth(&g.admin).send().await.unwrap();
        assert_eq!(response.bytes().await.unwrap().to_vec(), text);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    async fn the_demo_shows_monnis_board_decisions_and_the_minutes_behind_its_plan(t: TestDatabase) {
        let app = TestApp::start_with_demo(t).await;
        let ministry = app.token(Role::Ministry, None);
        let query = "{ applications(filter: { search: \"MONNI\" }) { nodes { history { to decision { reference body documents { fileName mediaType url } } } commitments { organization { name } status decision { body reference decidedOn } } } } }";
        let found = app.ok(&ministry, query, json!({})).await;
        let monni = &found["applications"]["nodes"][0];
        let decided: Vec<(&str, &str, &str)> = monni["commitments"].as_array().unwrap().iter()
            .filter(|c| !c["decision"].is_null())
            .map(|c| (c["organization"]["name"].as_str().unwrap(), c["status"].as_str().unwrap(), c["decision"]["reference"].as_str().unwrap()))
            .collect();
        assert_eq!(decided, [("Seinäjoen kaupunki", "APPROVED", "§ 201"), ("JIK peruspalveluliikelaitoskuntayhtymä", "DECLINED", "§ 58")]);
        let approval = &monni["history"][1]["decision"];
        assert_eq!((&approval["reference"], &approval["body"]), (&json!("§ 7"), &json!("Etelä-Pohjanmaan alueellinen ohjausryhmä")));
        let minutes = &approval["documents"][0];
        assert_eq!(minutes["mediaType"], "text/plain");
        let text = app.client.get(minutes["url"].as_str().unwrap()).bearer_auth(&ministry).send().await.unwrap().text().await.unwrap();
        assert!(text.contains("Päätös: Hyväksytään MONNI-hankesuunnitelmaluonnos"), "{text}");
    }
}
