-- The floor of the budget diff between two versions of one application (:app): the budget as
-- applied for (:from_version) and the granted one (:to_version), their lines summed by category
-- and year, and what the splits before and after need (the call's terms, the commitments), in
-- four prepared statements.
SELECT id, number, kind, in_force, total_cost_cents, state_aid_cents FROM budget_versions WHERE id IN (:from_version, :to_version);
SELECT version_id, category, year, sum(amount_cents) FROM budget_version_lines WHERE version_id IN (:from_version, :to_version) GROUP BY 1, 2, 3;
SELECT c.max_aid_rate_bp, c.in_kind_counts FROM applications a LEFT JOIN grant_calls c ON c.id = a.call_id WHERE a.id = :app;
SELECT amount_cents, kind, status FROM commitments WHERE application_id = :app;
