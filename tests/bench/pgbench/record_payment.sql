-- The floor of recordPayment: what salkku writes for a payment of 0.01 € outside the instalment
-- plan, in one transaction (the project's row locked as salkku locks it, the allocation's paid
-- total moved if it stays within the amount, the payment), without the audit entry, as
-- set_budget.sql. Each client pays its own allocation: the (:first + client)th of the granted or
-- active projects', looked up once per client, so the floor writes to no other system's rows.
\if :alloc = 0
\set slot :first + :client_id
SELECT a.id AS alloc, a.application_id AS project FROM state_aid_allocations a JOIN applications p ON p.id = a.application_id
 WHERE p.status IN ('GRANTED', 'ACTIVE') ORDER BY a.id OFFSET :slot LIMIT 1 \gset
\endif
BEGIN;
SELECT status FROM applications WHERE id = :project FOR UPDATE;
UPDATE state_aid_allocations SET paid_total_cents = paid_total_cents + 1, version = version + 1, updated_at = now()
 WHERE id = :alloc AND paid_total_cents + 1 <= amount_cents;
INSERT INTO payments (allocation_id, paid_on, amount_cents, reference, created_at, instalment_id)
VALUES (:alloc, '2022-01-03', 1, 'bench', now(), NULL);
COMMIT;
