-- The floor of the cash flow by quarter over the whole portfolio, from :cf_from to :cf_to (the first
-- day of a quarter and the last day of one): the three sums salkku asks for, as it asks for them,
-- the dates bound as it binds them (instalments planned and requested by due date, payments by
-- payment date, repayments by return date), each by quarter.
SELECT to_char(i.due_on, 'YYYY-"Q"Q') AS period,
       CAST(COALESCE(SUM(CASE WHEN i.status <> 'CANCELLED' THEN i.amount_cents ELSE 0 END), 0) AS BIGINT) AS a,
       CAST(COALESCE(SUM(CASE WHEN i.status = 'REQUESTED' THEN i.amount_cents ELSE 0 END), 0) AS BIGINT) AS b
  FROM instalments i JOIN state_aid_allocations a ON a.id = i.allocation_id LEFT JOIN applications p ON p.id = a.application_id
 WHERE i.due_on >= :cf_from AND i.due_on <= :cf_to GROUP BY 1;
SELECT to_char(x.paid_on, 'YYYY-"Q"Q') AS period, CAST(COALESCE(SUM(x.amount_cents), 0) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b
  FROM payments x JOIN state_aid_allocations a ON a.id = x.allocation_id LEFT JOIN applications p ON p.id = a.application_id
 WHERE x.paid_on >= :cf_from AND x.paid_on <= :cf_to GROUP BY 1;
SELECT to_char(x.returned_on, 'YYYY-"Q"Q') AS period, CAST(COALESCE(SUM(x.amount_cents), 0) AS BIGINT) AS a, CAST(0 AS BIGINT) AS b
  FROM repayments x JOIN applications p ON p.id = x.application_id
 WHERE x.returned_on >= :cf_from AND x.returned_on <= :cf_to GROUP BY 1;
