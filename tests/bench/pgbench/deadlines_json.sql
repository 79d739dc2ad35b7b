-- The deadlines' answer built by PostgreSQL as JSON, in one statement (organisation :org). The list
-- keeps the function's order (due time, then id) as PostgreSQL aggregates an inlined, limited
-- subquery; it does not promise to, and an ORDER BY here would sort the 100 rows again.
SELECT json_build_object('data', json_build_object('upcomingDeadlines', coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'title', d.title, 'dueAt', d.due_at)), '[]'::json)))
  FROM bench.upcoming_deadlines(:org, '2022-01-01T00:00:00Z', '2023-01-01T00:00:00Z') d;
