-- The floor of setBudget: the same writes in one transaction, on a random application (no
-- version check: pgbench cannot carry a version from one transaction to the next).
\set app random(1, :applications)
BEGIN;
UPDATE applications SET total_cost_cents = 150000000, state_aid_requested_cents = 120000000,
       version = version + 1, updated_at = now() WHERE id = :app;
DELETE FROM budget_lines WHERE application_id = :app;
INSERT INTO budget_lines (application_id, position, category, year, description, amount_cents)
VALUES (:app, 0, 'PERSONNEL', 2022, NULL, 50000000), (:app, 1, 'TRAVEL', 2022, NULL, 25000000),
       (:app, 2, 'PURCHASED_SERVICES', 2022, NULL, 25000000), (:app, 3, 'MATERIALS', 2022, NULL, 25000000),
       (:app, 4, 'OVERHEAD', 2022, NULL, 25000000);
UPDATE budget_versions SET total_cost_cents = 150000000, state_aid_cents = 120000000
 WHERE application_id = :app AND kind = 'DRAFT';
COMMIT;
