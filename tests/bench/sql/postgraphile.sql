-- What PostGraphile needs to answer the benchmark's four requests over salkku's own tables:
-- its generated schema covers the page of applications as it is; the portfolio, the deadlines
-- of an organisation and setting a budget are functions, as a PostGraphile project would write
-- them (it has no aggregates, filters across relations, or multi-table writes of its own).
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

CREATE TYPE bench.bucket AS (key text, applications bigint, total_cost_cents bigint, state_aid_cents bigint);

-- The portfolio of a year from the cells salkku keeps summed (migration 007), as salkku reads
-- it: a project on PostGraphile would keep such a table too, or scan every application of the
-- year on every request.
CREATE FUNCTION bench.portfolio_by_status(year int) RETURNS SETOF bench.bucket LANGUAGE sql STABLE AS $$
  SELECT status, sum(application_count)::bigint, sum(total_cost_cents)::bigint, sum(state_aid_requested_cents)::bigint
  FROM portfolio_cells
  WHERE region_code = ''
    AND ((span = 'Y' AND portfolio_cells.year = $1) OR (span = 'F' AND portfolio_cells.year <= $1)
      OR (span = 'T' AND portfolio_cells.year >= $1))
  GROUP BY status HAVING sum(application_count) > 0 ORDER BY status
$$;

CREATE FUNCTION bench.portfolio_by_region(year int) RETURNS SETOF bench.bucket LANGUAGE sql STABLE AS $$
  SELECT region_code, sum(application_count)::bigint, sum(total_cost_cents)::bigint, sum(state_aid_requested_cents)::bigint
  FROM portfolio_cells
  WHERE region_code <> ''
    AND ((span = 'Y' AND portfolio_cells.year = $1) OR (span = 'F' AND portfolio_cells.year <= $1)
      OR (span = 'T' AND portfolio_cells.year >= $1))
  GROUP BY region_code HAVING sum(application_count) > 0 ORDER BY region_code
$$;

CREATE FUNCTION bench.upcoming_deadlines(org bigint, since timestamptz, until timestamptz)
RETURNS SETOF deadlines LANGUAGE sql STABLE AS $$
  -- The organisation's deadlines from the parties salkku keeps (migrations 008 and 009), as
  -- salkku reads them: one range of the index by organisation, whether the deadline still calls
  -- for action, and due time, read until 100 are found.
  SELECT d.* FROM deadline_parties p
  JOIN deadlines d ON d.id = p.deadline_id
  LEFT JOIN applications a ON a.id = d.application_id
  LEFT JOIN commitments c ON c.id = d.commitment_id
  WHERE p.organization_id = org AND p.calls_for_action AND p.due_at BETWEEN since AND until
    AND d.due_at BETWEEN since AND until
    AND (a.status IS NULL OR a.status NOT IN ('REJECTED', 'WITHDRAWN', 'CLOSED'))
    AND (c.status IS NULL OR c.status = 'REQUESTED')
  ORDER BY p.due_at, p.deadline_id LIMIT 100
$$;

-- Replaces an application's budget, checking its version as salkku does; returns the new one.
CREATE FUNCTION bench.set_budget(app bigint, expected int, amounts bigint[], aid bigint) RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE next_version int;
BEGIN
  UPDATE applications SET total_cost_cents = (SELECT coalesce(sum(x), 0) FROM unnest(amounts) x),
         state_aid_requested_cents = aid, version = version + 1, updated_at = now()
   WHERE id = app AND version = expected
  RETURNING version INTO next_version;
  IF next_version IS NULL THEN RAISE EXCEPTION 'conflict'; END IF;
  DELETE FROM budget_lines WHERE application_id = app;
  INSERT INTO budget_lines (application_id, position, category, year, description, amount_cents)
  SELECT app, i - 1, 'PERSONNEL', 2022, NULL, amounts[i] FROM generate_subscripts(amounts, 1) i;
  RETURN next_version;
END $$;
