-- The floor of one municipality's exposure (organisation :muni): its name and population, its
-- commitments summed by status and kind (leaving out rejected and withdrawn projects), and its
-- agenda (the requested commitments of projects still under way, by level, soonest due first).
SELECT name, population FROM organizations WHERE id = :muni;
SELECT m.status, m.kind, sum(m.amount_cents), count(*)
  FROM commitments m JOIN applications a ON a.id = m.application_id
 WHERE m.organization_id = :muni AND a.status NOT IN ('REJECTED', 'WITHDRAWN') GROUP BY 1, 2;
SELECT m.level, m.id, m.amount_cents, m.due_date
  FROM commitments m JOIN applications a ON a.id = m.application_id
 WHERE m.organization_id = :muni AND m.status = 'REQUESTED' AND a.status NOT IN ('REJECTED', 'WITHDRAWN', 'CLOSED')
 ORDER BY m.level, m.due_date NULLS LAST, m.id;
