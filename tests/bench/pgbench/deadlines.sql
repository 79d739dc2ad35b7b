-- The floor of one organisation's upcoming deadlines (organisation :org).
SELECT * FROM bench.upcoming_deadlines(:org, '2022-01-01T00:00:00Z', '2023-01-01T00:00:00Z');
