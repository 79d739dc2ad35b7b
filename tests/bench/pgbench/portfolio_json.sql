-- The portfolio's answer built by PostgreSQL as JSON, in one statement: both bucket lists of
-- portfolio.sql as the response's objects.
SELECT json_build_object('data', json_build_object('portfolio', json_build_object(
  'byStatus', (SELECT coalesce(json_agg(json_build_object('key', b.key, 'applicationCount', b.applications, 'totalCost', b.total_cost_cents, 'stateAidRequested', b.state_aid_cents)), '[]'::json) FROM bench.portfolio_by_status(2022) b),
  'byRegion', (SELECT coalesce(json_agg(json_build_object('key', b.key, 'applicationCount', b.applications, 'totalCost', b.total_cost_cents, 'stateAidRequested', b.state_aid_cents)), '[]'::json) FROM bench.portfolio_by_region(2022) b))));
