-- The budget diff's answer built by PostgreSQL as JSON, in one statement: the rows of
-- budget_diff.sql as the response's object, every category and year either version names in
-- category order then by year, with the split's inputs as they are (no computed split).
WITH v AS (SELECT id, number, kind, total_cost_cents, state_aid_cents FROM budget_versions WHERE id IN (:from_version, :to_version)),
s AS (SELECT category, year, coalesce(sum(amount_cents) FILTER (WHERE version_id = :from_version), 0) AS before,
             coalesce(sum(amount_cents) FILTER (WHERE version_id = :to_version), 0) AS after
        FROM budget_version_lines WHERE version_id IN (:from_version, :to_version) GROUP BY 1, 2),
f AS (SELECT * FROM v WHERE id = :from_version), t AS (SELECT * FROM v WHERE id = :to_version)
SELECT json_build_object('data', json_build_object('budgetDiff', json_build_object(
  'from', (SELECT json_build_object('number', number, 'kind', kind) FROM f),
  'to', (SELECT json_build_object('number', number, 'kind', kind) FROM t),
  'lines', (SELECT coalesce(json_agg(json_build_object('category', category, 'year', year, 'before', before, 'after', after, 'change', after - before)
                     ORDER BY array_position(ARRAY['PERSONNEL', 'TRAVEL', 'PURCHASED_SERVICES', 'MATERIALS', 'PREMISES', 'OVERHEAD', 'OTHER'], category::text), year), '[]'::json) FROM s),
  'totalBefore', (SELECT total_cost_cents FROM f), 'totalAfter', (SELECT total_cost_cents FROM t),
  'totalChange', (SELECT total_cost_cents FROM t) - (SELECT total_cost_cents FROM f),
  'stateAidBefore', (SELECT state_aid_cents FROM f), 'stateAidAfter', (SELECT state_aid_cents FROM t),
  'stateAidChange', (SELECT state_aid_cents FROM t) - (SELECT state_aid_cents FROM f),
  'moved', (SELECT coalesce(sum(after - before) FILTER (WHERE after > before), 0) FROM s),
  'call', (SELECT json_build_object('maxAidRateBp', c.max_aid_rate_bp, 'inKindCounts', c.in_kind_counts)
             FROM applications a JOIN grant_calls c ON c.id = a.call_id WHERE a.id = :app),
  'commitments', (SELECT coalesce(json_agg(json_build_object('amountCents', amount_cents, 'kind', kind, 'status', status) ORDER BY id), '[]'::json)
                    FROM commitments WHERE application_id = :app))));
