-- The floor of recordPayment settling a requested instalment: what salkku writes, in one
-- transaction (the project's row and the instalment locked, the instalment PAID, the allocation's
-- paid total moved if it stays within the amount, the payment), without the audit entry, as
-- set_budget.sql. Client c's kth transaction settles the (:first + c·:each + k)th instalment of
-- bench_keys.settlements (the requested ones, numbered by the run before any is settled); run with
-- -t :each, so that each is settled once.
\set n :first + :client_id * :each + :k
\set k :k + 1
BEGIN;
SELECT i.id AS inst, i.allocation_id AS alloc, i.amount_cents AS amount
  FROM bench_keys.settlements s
  JOIN instalments i ON i.id = s.id
  JOIN state_aid_allocations a ON a.id = i.allocation_id
  JOIN applications p ON p.id = a.application_id
 WHERE s.n = :n AND i.status = 'REQUESTED'
   FOR UPDATE OF p, i \gset
UPDATE instalments SET status = 'PAID', paid_on = '2022-01-03', version = version + 1, updated_at = now()
 WHERE id = :inst;
UPDATE state_aid_allocations SET paid_total_cents = paid_total_cents + :amount, version = version + 1, updated_at = now()
 WHERE id = :alloc AND paid_total_cents + :amount <= amount_cents;
INSERT INTO payments (allocation_id, paid_on, amount_cents, reference, created_at, instalment_id)
VALUES (:alloc, '2022-01-03', :amount, 'bench', now(), :inst);
COMMIT;
