-- The exposure's answer built by PostgreSQL as JSON, in one statement: the rows of exposure.sql
-- as the response's object, amounts in cents (per inhabitant rounded to the cent).
WITH m AS (SELECT m.id, m.amount_cents, m.kind, m.level, m.status, m.due_date, a.status AS project
             FROM commitments m JOIN applications a ON a.id = m.application_id
            WHERE m.organization_id = :muni AND a.status NOT IN ('REJECTED', 'WITHDRAWN')),
b AS (SELECT status, kind, sum(amount_cents) AS amount, count(*) AS n FROM m GROUP BY 1, 2),
o AS (SELECT name, population FROM organizations WHERE id = :muni),
t AS (SELECT coalesce(sum(amount_cents) FILTER (WHERE status IN ('PROMISED', 'APPROVED')), 0) AS pledged,
             coalesce(sum(amount_cents) FILTER (WHERE status = 'REQUESTED'), 0) AS requested FROM m),
g AS (SELECT level, json_agg(json_build_object('id', id, 'amount', amount_cents, 'dueDate', due_date) ORDER BY due_date NULLS LAST, id) AS due
        FROM m WHERE status = 'REQUESTED' AND project <> 'CLOSED' GROUP BY 1)
SELECT json_build_object('data', json_build_object('exposure', json_build_object(
  'organization', (SELECT json_build_object('name', name) FROM o),
  'byStatus', (SELECT coalesce(json_agg(json_build_object('status', status, 'kind', kind, 'amount', amount, 'count', n)
                 ORDER BY array_position(ARRAY['REQUESTED', 'PROMISED', 'APPROVED', 'DECLINED'], status::text), array_position(ARRAY['CASH', 'IN_KIND'], kind::text)), '[]'::json) FROM b),
  'pledged', t.pledged, 'requested', t.requested,
  'pledgedPerInhabitant', (SELECT round(t.pledged / nullif(population, 0)) FROM o),
  'requestedPerInhabitant', (SELECT round(t.requested / nullif(population, 0)) FROM o),
  'agenda', (SELECT coalesce(json_agg(json_build_object('level', level, 'commitments', due)
               ORDER BY array_position(ARRAY['OFFICE_HOLDER', 'BOARD', 'COUNCIL'], level::text)), '[]'::json) FROM g))))
  FROM t;
