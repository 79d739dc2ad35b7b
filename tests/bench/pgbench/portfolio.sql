-- The floor of the portfolio by status and by region for one year.
SELECT * FROM bench.portfolio_by_status(2022);
SELECT * FROM bench.portfolio_by_region(2022);
