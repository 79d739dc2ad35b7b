-- The page's answer built whole by PostgreSQL as JSON, in one statement: the rows of page.sql shaped
-- as the response by json_build_object, with nothing else to do (no HTTP, no GraphQL). The lead,
-- the call and each commitment's organisation are looked up by key: joined, PostgreSQL hashed
-- every organisation again for each application's commitments, and took half as long again.
SELECT json_build_object('data', json_build_object('applications', json_build_object('nodes', coalesce(json_agg(t.p ORDER BY t.n, t.i), '[]'::json))))
FROM (
  SELECT a.name AS n, a.id AS i,
    json_build_object('id', a.id, 'name', a.name, 'status', a.status, 'version', a.version,
      'lead', json_build_object('name', (SELECT o.name FROM organizations o WHERE o.id = a.lead_id)),
      'call', (SELECT json_build_object('title', c.title, 'closesAt', c.closes_at, 'maxAidRateBp', c.max_aid_rate_bp, 'inKindCounts', c.in_kind_counts) FROM grant_calls c WHERE c.id = a.call_id),
      'totalCostCents', a.total_cost_cents, 'stateAidRequestedCents', a.state_aid_requested_cents,
      'commitments', (SELECT coalesce(json_agg(json_build_object('amountCents', m.amount_cents, 'kind', m.kind, 'status', m.status,
                                'organization', json_build_object('name', (SELECT mo.name FROM organizations mo WHERE mo.id = m.organization_id))) ORDER BY m.id), '[]'::json)
                        FROM commitments m WHERE m.application_id = a.id)) AS p
  FROM (SELECT * FROM applications ORDER BY name, id LIMIT 50) a
) t;
