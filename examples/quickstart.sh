#!/usr/bin/env bash
# Builds Veil if needed, creates a warehouse from the sample orders.csv and queries it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wh="${1:-$root/quickstart-warehouse}"
rm -rf "$wh"
"$root/veil" init --warehouse "$wh"
"$root/veil" load --warehouse "$wh" --table shop.orders --csv "$root/examples/orders.csv" --header
"$root/veil" sql --warehouse "$wh" -e "
  SELECT city, COUNT(*) AS orders, SUM(quantity * price) AS revenue
  FROM shop.orders GROUP BY city ORDER BY revenue DESC;
  SELECT EXTRACT(MONTH FROM order_date) AS order_month, COUNT(DISTINCT customer_id) AS customers
  FROM shop.orders GROUP BY EXTRACT(MONTH FROM order_date) ORDER BY order_month LIMIT 3"
"$root/veil" sql --warehouse "$wh" --format csv -f "$root/examples/report.sql"
