package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The privacy policies the benchmark sets on its Veil warehouse for the analyst runs: customer is
 * the privacy unit, reached from orders and lineitem through their foreign keys; the summed money,
 * quantity and discount columns are {@code AGGREGATE ONLY} with public bounds (the TPC-H
 * specification's value ranges); each of the three tables is differentially private, with
 * {@code CONTRIBUTION BOUNDS AUTO} (COUNT and SUM truncate each customer's contribution at a bound
 * chosen from the data, at most the declared one below); an analyst with a practically unlimited
 * budget runs the queries.
 *
 * <p>For the accuracy table's Q12 variants, whose privacy unit is the order, a copy of the columns
 * Q12 reads lives in schema {@value #ORDERS_SCHEMA} with orders as the unit.
 *
 * <p>The DP statements are written against the SQL surface of the design (section 8). On a Veil
 * without them, {@link #apply} reports DP as unavailable instead of failing the benchmark.
 */
final class DpPolicies {
    /** The analyst who runs the DP queries. */
    static final String ANALYST = "bench_analyst";

    static final String ANALYST_PASSWORD = "bench-analyst-password";
    /** The schema of the order-as-unit copy used by the accuracy table's Q12 variants. */
    static final String ORDERS_SCHEMA = "tpch_o";
    /** The table policy's epsilon: the default and the cap of one query. */
    static final double EPSILON = 0.8;

    static final String DELTA = "0.000001";
    /** Groups one customer may contribute to (Q1 has 4, and most customers are in all of them). */
    static final int MAX_GROUPS_PER_UNIT = 4;
    /**
     * Rows one customer may contribute to one group. A customer has about 60 line items at any scale
     * factor (15 orders of 1 to 7 lines); 100 or fewer for about 92% of the customers with orders, at
     * most 155 at SF 0.1. A bound of 100 dropped 1.6% of the line items of a query over all of them
     * (R2T's Q18): a bias that does not shrink as the data grows. With {@code CONTRIBUTION BOUNDS AUTO}
     * a COUNT or SUM is truncated at a bound chosen from the data, so a declared bound above what anyone
     * contributes costs it nothing; it does scale the noise of AVG (whose count and sum keep the
     * declared row bound), twice that of a bound of 100.
     */
    static final int MAX_ROWS_PER_UNIT_PER_GROUP = 200;
    /**
     * The order-as-unit copy's bounds: an order has 1 to 7 line items (TPC-H specification 4.2.3), and
     * its accuracy queries do not group, so one group per order suffices.
     */
    static final int ORDERS_MAX_GROUPS_PER_UNIT = 1;

    static final int ORDERS_MAX_ROWS_PER_UNIT_PER_GROUP = 7;

    private DpPolicies() {}

    /**
     * Sets the policies through {@code admin}, an administrator's connection to the loaded
     * warehouse. Returns why DP is unavailable, if the engine rejects its statements; other
     * failures are thrown.
     */
    static Optional<String> apply(Connection admin) throws SQLException {
        requireNonNull(admin, "admin is null");
        try (Statement statement = admin.createStatement()) {
            for (String sql : unitAndBounds("tpch")) {
                execute(statement, sql);
            }
            try {
                for (String sql : differentialPrivacy(
                        "tpch",
                        List.of("customer", "orders", "lineitem"),
                        MAX_GROUPS_PER_UNIT,
                        MAX_ROWS_PER_UNIT_PER_GROUP)) {
                    execute(statement, sql);
                }
            } catch (SQLException e) {
                String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
                return Optional.of("DP not available: " + firstLine(reason));
            }
            for (String sql : ordersAsUnit()) {
                execute(statement, sql);
            }
            for (String sql : analyst()) {
                execute(statement, sql);
            }
        }
        return Optional.empty();
    }

    /** The privacy unit and column bounds on the TPC-H tables in {@code schema}. */
    static List<String> unitAndBounds(String schema) {
        return List.of(
                "ALTER TABLE " + schema + ".customer SET PRIVACY UNIT (c_custkey)",
                "ALTER TABLE " + schema + ".orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES " + schema
                        + ".customer (c_custkey)",
                "ALTER TABLE " + schema + ".lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES " + schema
                        + ".orders (o_orderkey)",
                bounds(schema, "lineitem", "l_quantity", "0", "50"),
                bounds(schema, "lineitem", "l_extendedprice", "0", "105000"),
                bounds(schema, "lineitem", "l_discount", "0", "0.1"),
                bounds(schema, "lineitem", "l_tax", "0", "0.08"),
                bounds(schema, "orders", "o_totalprice", "0", "600000"),
                bounds(schema, "customer", "c_acctbal", "-1000", "10000"));
    }

    private static String bounds(String schema, String table, String column, String low, String high) {
        return "ALTER TABLE " + schema + "." + table + " ALTER COLUMN " + column + " SET POLICY AGGREGATE ONLY BOUNDS ("
                + low + ", " + high + ")";
    }

    private static List<String> differentialPrivacy(String schema, List<String> tables, int groups, int rows) {
        List<String> statements = new ArrayList<>();
        for (String table : tables) {
            statements.add(String.format(
                    Locale.ROOT,
                    "ALTER TABLE %s.%s SET DIFFERENTIAL PRIVACY (EPSILON %s, "
                            + "DELTA %s, MAX GROUPS PER UNIT %d, MAX ROWS PER UNIT PER GROUP %d, CONTRIBUTION BOUNDS AUTO)",
                    schema,
                    table,
                    EPSILON,
                    DELTA,
                    groups,
                    rows));
        }
        return statements;
    }

    /** The columns Q12 reads, copied into {@value #ORDERS_SCHEMA} with the order as the privacy unit. */
    private static List<String> ordersAsUnit() {
        String s = ORDERS_SCHEMA;
        List<String> statements = new ArrayList<>(List.of(
                "CREATE SCHEMA " + s,
                "CREATE TABLE " + s + ".orders (o_orderkey BIGINT NOT NULL, o_orderpriority VARCHAR(15) NOT NULL)",
                "INSERT INTO " + s + ".orders SELECT o_orderkey, o_orderpriority FROM tpch.orders",
                "CREATE TABLE " + s + ".lineitem (l_orderkey BIGINT NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, "
                        + "l_shipmode VARCHAR(10) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, "
                        + "l_receiptdate DATE NOT NULL)",
                "INSERT INTO " + s + ".lineitem SELECT l_orderkey, l_extendedprice, l_shipmode, l_shipdate, "
                        + "l_commitdate, l_receiptdate FROM tpch.lineitem",
                "ALTER TABLE " + s + ".orders SET PRIVACY UNIT (o_orderkey)",
                "ALTER TABLE " + s + ".lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES " + s
                        + ".orders (o_orderkey)",
                bounds(s, "lineitem", "l_extendedprice", "0", "105000")));
        statements.addAll(differentialPrivacy(
                s, List.of("orders", "lineitem"), ORDERS_MAX_GROUPS_PER_UNIT, ORDERS_MAX_ROWS_PER_UNIT_PER_GROUP));
        return statements;
    }

    private static List<String> analyst() {
        return List.of(
                // A warehouse without users treats everyone called admin as an administrator, but
                // only until its first user exists: the administrator must be a user before the analyst.
                "CREATE USER IF NOT EXISTS " + Principals.ADMIN + " PASSWORD '" + CopyLoadedEngine.ADMIN_PASSWORD
                        + "' ROLE " + Principals.ADMIN,
                "CREATE PRIVACY BUDGET bench_budget LIMIT (EPSILON 1000000, DELTA 0.5) WINDOW NEVER",
                "CREATE USER " + ANALYST + " PASSWORD '" + ANALYST_PASSWORD + "' ROLE analyst",
                "ALTER USER " + ANALYST + " SET PRIVACY BUDGET bench_budget");
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static void execute(Statement statement, String sql) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "Policy statement failed: " + sql + "\n" + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
