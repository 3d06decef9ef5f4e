#!/usr/bin/python3
"""A notebook-style session with Veil from Python: jpype.dbapi2 and pandas, as the analyst.

Runs against the demo warehouse (./veil demo) served over JDBC:

    /usr/bin/python3 examples/notebook.py --url jdbc:veil://127.0.0.1:8765 \\
        --user analyst --password-file demo-warehouse/analyst.password \\
        --driver-jar jdbc-driver/target/veil-jdbc-0.1.0-SNAPSHOT.jar

Needs Java 17 and Debian's python3-jpype and python3-pandas (or `pip install JPype1 pandas`).
It prints each result and checks its shape, types and ranges (differentially private values
are noisy, so it checks ranges, not exact values); it exits with status 1 if a check fails.
"""

import argparse
import datetime
import decimal
import numbers
import os
import sys
import warnings

import jpype
import jpype.dbapi2 as dbapi2
import pandas as pd

DEBIAN_JPYPE_JAR = "/usr/share/java/org.jpype.jar"


def check(condition, message):
    if not condition:
        print("CHECK FAILED: " + message, file=sys.stderr)
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="jdbc:veil://host:port")
    parser.add_argument("--user", default="analyst")
    parser.add_argument("--password-file", required=True, help="a file whose first line is the password")
    parser.add_argument("--driver-jar", required=True, help="jdbc-driver/target/veil-jdbc-*.jar")
    args = parser.parse_args()
    with open(args.password_file, encoding="utf-8") as f:
        password = f.readline().strip()

    classpath = [args.driver_jar]
    # Debian's python3-jpype 1.4.1 keeps JPype's own support jar in /usr/share/java, where the JVM
    # it starts does not look ("ClassNotFoundException: org.jpype.classloader.DynamicClassLoader").
    if os.path.exists(DEBIAN_JPYPE_JAR):
        classpath.append(DEBIAN_JPYPE_JAR)
    jpype.startJVM(classpath=classpath)
    conn = dbapi2.connect(
        args.url,
        driver="dev.veil.jdbc.Driver",
        driver_args={"user": args.user, "password": password},
        # Bind each ? by the type Veil reports for it (getParameterMetaData), so a Python
        # Decimal binds to a DECIMAL parameter (JPype 1.4 has no setter for Decimal by its type).
        setters=dbapi2.SETTERS_BY_META,
    )
    # pandas warns that it is tested with SQLAlchemy and sqlite3 only; a DB-API 2 connection works.
    warnings.filterwarnings("ignore", message=".*SQLAlchemy.*")
    pd.set_option("display.width", 200)

    # 1. A query with a ? parameter (a prepared statement; qmark is jpype.dbapi2's paramstyle):
    #    products are public in the demo, their prices are DECIMAL(10,2).
    products = pd.read_sql(
        "SELECT product_id, name, category, price FROM shop.products WHERE price >= ? "
        "ORDER BY price DESC, product_id LIMIT 5",
        conn,
        params=[decimal.Decimal("100.00")],
        coerce_float=False,  # keep DECIMAL values exact (Decimal); pandas' default makes them float
    )
    print("== products with price >= 100\n" + products.to_string(index=False))
    check(list(products.columns) == ["product_id", "name", "category", "price"], "product columns")
    check(len(products) == 5, "5 products")
    check(all(isinstance(p, decimal.Decimal) for p in products["price"]), "prices are Decimal")
    check(all(p >= 100 and p.as_tuple().exponent == -2 for p in products["price"]), "prices >= 100.00")
    check(list(products["price"]) == sorted(products["price"], reverse=True), "sorted by price")
    check(all(isinstance(i, numbers.Integral) for i in products["product_id"]), "ids are whole numbers")

    # 2. Dates: customers who signed up in a window, grouped by day (groups of at least 10
    #    customers are released; smaller days are left out).
    signups = pd.read_sql(
        "SELECT signup_date, COUNT(*) AS customers FROM shop.customers "
        "WHERE signup_date BETWEEN ? AND ? GROUP BY signup_date ORDER BY signup_date",
        conn,
        params=[datetime.date(2024, 6, 1), datetime.date(2024, 6, 30)],
    )
    print("== signups in June 2024\n" + signups.head().to_string(index=False))
    check(list(signups.columns) == ["signup_date", "customers"], "signup columns")
    check(len(signups) > 0, "some signup days")
    check(all(isinstance(d, datetime.date) for d in signups["signup_date"]), "signup_date is a date")
    check(
        all(datetime.date(2024, 6, 1) <= d <= datetime.date(2024, 6, 30) for d in signups["signup_date"]),
        "signup dates in June 2024",
    )
    check(all(isinstance(n, numbers.Integral) and n >= 10 for n in signups["customers"]), "every released day has at least 10 customers")

    # 3. A differentially private query with its 95% interval: orders per month are noisy.
    monthly = pd.read_sql(
        "SELECT FLOOR(order_date TO MONTH) AS month, COUNT(*) AS orders, "
        "DP_INTERVAL_LOW(COUNT(*)) AS orders_low, DP_INTERVAL_HIGH(COUNT(*)) AS orders_high "
        "FROM shop.orders WHERE channel = ? GROUP BY FLOOR(order_date TO MONTH) ORDER BY month",
        conn,
        params=["web"],
    )
    print("== web orders per month (noisy, with 95% intervals)\n" + monthly.to_string(index=False))
    check(list(monthly.columns) == ["month", "orders", "orders_low", "orders_high"], "DP columns")
    check(len(monthly) >= 12, "at least 12 months released")
    check(all(isinstance(m, datetime.date) and m.day == 1 for m in monthly["month"]), "months are dates")
    check(all(isinstance(n, numbers.Integral) and n >= 0 for n in monthly["orders"]), "noisy counts are whole, >= 0")
    for row in monthly.itertuples():
        check(row.orders_low <= row.orders <= row.orders_high, "the interval holds the released value")
        check(0 < row.orders_high - row.orders_low < 1000, "the interval has a useful width")
        check(100 <= row.orders <= 5000, "a month's web orders are in a plausible range")

    # 4. The cursor API directly, with the column descriptions a notebook shows.
    cursor = conn.cursor()
    cursor.execute("SELECT category, COUNT(*) AS products, AVG(price) AS avg_price FROM shop.products "
                   "GROUP BY category ORDER BY category")
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    cursor.close()
    print("== products per category\n" + str(names) + "\n" + "\n".join(str(r) for r in rows))
    check(names == ["category", "products", "avg_price"], "category columns")
    check(sum(r[1] for r in rows) == 400, "400 products in all")
    check(all(isinstance(r[2], float) and 100 <= r[2] <= 1000 for r in rows), "AVG(price) is a DOUBLE")

    conn.close()
    print("notebook checks passed")


if __name__ == "__main__":
    main()
