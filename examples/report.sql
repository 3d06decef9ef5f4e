-- A small report over the sample orders (examples/orders.csv loaded as shop.orders):
--   ./veil sql --warehouse wh --format csv -f examples/report.sql
-- Statements are separated by ';'; each result is printed in turn.

-- Revenue per city.
SELECT city, COUNT(*) AS orders, SUM(quantity * price) AS revenue
FROM shop.orders
GROUP BY city
ORDER BY revenue DESC;

-- The best-selling products by quantity.
SELECT product, SUM(quantity) AS units
FROM shop.orders
GROUP BY product
ORDER BY units DESC, product
LIMIT 5;
