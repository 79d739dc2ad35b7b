-- The cash flow's answer built by PostgreSQL as JSON, in one statement: every quarter from :cf_from
-- to :cf_to, empty ones included, with the sums of cash_flow.sql in cents.
WITH q AS (SELECT s::date AS starts, (s + interval '3 months' - interval '1 day')::date AS ends, to_char(s, 'YYYY-"Q"Q') AS period
             FROM generate_series(:cf_from::date, :cf_to::date, interval '3 months') s),
i AS (SELECT to_char(i.due_on, 'YYYY-"Q"Q') AS period,
             sum(CASE WHEN i.status <> 'CANCELLED' THEN i.amount_cents ELSE 0 END) AS planned,
             sum(CASE WHEN i.status = 'REQUESTED' THEN i.amount_cents ELSE 0 END) AS requested
        FROM instalments i JOIN state_aid_allocations a ON a.id = i.allocation_id
       WHERE i.due_on >= :cf_from AND i.due_on <= :cf_to GROUP BY 1),
x AS (SELECT to_char(x.paid_on, 'YYYY-"Q"Q') AS period, sum(x.amount_cents) AS paid
        FROM payments x JOIN state_aid_allocations a ON a.id = x.allocation_id
       WHERE x.paid_on >= :cf_from AND x.paid_on <= :cf_to GROUP BY 1),
r AS (SELECT to_char(x.returned_on, 'YYYY-"Q"Q') AS period, sum(x.amount_cents) AS returned
        FROM repayments x WHERE x.returned_on >= :cf_from AND x.returned_on <= :cf_to GROUP BY 1)
SELECT json_build_object('data', json_build_object('cashFlow', json_agg(json_build_object(
  'period', q.period, 'starts', q.starts, 'ends', q.ends, 'planned', coalesce(i.planned, 0), 'requested', coalesce(i.requested, 0),
  'paid', coalesce(x.paid, 0), 'returned', coalesce(r.returned, 0)) ORDER BY q.starts)))
  FROM q LEFT JOIN i ON i.period = q.period LEFT JOIN x ON x.period = q.period LEFT JOIN r ON r.period = q.period;
