-- The floor of "a page of 50 applications with lead, call, budget total, split and commitments":
-- the rows it needs, in two prepared statements.
SELECT a.id, a.name, a.status, a.version, a.total_cost_cents, a.state_aid_requested_cents, o.name AS lead,
       c.title, c.closes_at, c.max_aid_rate_bp, c.in_kind_counts
  FROM applications a JOIN organizations o ON o.id = a.lead_id LEFT JOIN grant_calls c ON c.id = a.call_id
 ORDER BY a.name, a.id LIMIT 50;
SELECT m.application_id, m.amount_cents, m.kind, m.status, o.name
  FROM commitments m JOIN organizations o ON o.id = m.organization_id
 WHERE m.application_id IN (SELECT id FROM applications ORDER BY name, id LIMIT 50);
