package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What {@link DifferentialGenerator} knows of the tables it queries: the TPC-H tables (scale factor
 * 0.01, schema {@code tpch}) with the ranges and value sets of their columns, the foreign keys it
 * joins along, and a small table {@code fz.edge} with NULLs in every column type and edge values
 * (empty strings, negative decimals, BIGINTs near the limits, far dates), loaded in several
 * statements so that it has several segments.
 */
final class DifferentialSchema {
    /** The column types the generator distinguishes. */
    enum Kind {
        INT,
        BIGINT,
        DEC,
        DOUBLE,
        STR,
        DATE,
        BOOL;

        boolean numeric() {
            return this == INT || this == BIGINT || this == DEC || this == DOUBLE;
        }
    }

    /**
     * A column: its table, name and kind; numbers and dates lie in {@code [low, high]} (decimals in
     * hundredths, dates as days since 1970), strings are one of {@code values} or, when {@code values} is empty, free text
     * searched with {@code LIKE}; {@code lowCardinality} marks a good group key.
     */
    record Column(
            String table, String name, Kind kind, long low, long high, List<String> values, boolean lowCardinality) {
        Column {
            requireNonNull(table, "table is null");
            requireNonNull(name, "name is null");
            requireNonNull(kind, "kind is null");
            values = List.copyOf(values);
        }
    }

    /** A table: its qualified name and columns. */
    record Table(String name, List<Column> columns) {
        Table {
            requireNonNull(name, "name is null");
            columns = List.copyOf(columns);
        }

        Column column(String columnName) {
            return columns.stream()
                    .filter(c -> c.name().equals(columnName))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(columnName));
        }
    }

    /** A key the generator may join, semi-join or anti-join on: {@code left = right}. */
    record Edge(Column left, Column right) {}

    static final long DAY_1992 = 8035; // 1992-01-01
    static final long DAY_1998_END = 10591; // 1998-12-31

    private static final List<String> FLAGS = List.of("A", "N", "R");
    private static final List<String> SHIP_MODES = List.of("REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB");
    private static final List<String> INSTRUCTIONS =
            List.of("DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN");
    private static final List<String> PRIORITIES =
            List.of("1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW");
    private static final List<String> SEGMENTS =
            List.of("AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY");
    private static final List<String> NATIONS = List.of(
            "ALGERIA",
            "ARGENTINA",
            "BRAZIL",
            "CANADA",
            "EGYPT",
            "FRANCE",
            "GERMANY",
            "JAPAN",
            "UNITED STATES",
            "VIETNAM");
    private static final List<String> REGIONS = List.of("AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST");
    private static final List<String> CONTAINERS = List.of("SM CASE", "LG BOX", "MED BAG", "JUMBO PKG", "WRAP DRUM");
    private static final List<String> MFGRS =
            List.of("Manufacturer#1", "Manufacturer#2", "Manufacturer#3", "Manufacturer#4", "Manufacturer#5");
    private static final List<String> BRANDS = List.of("Brand#11", "Brand#23", "Brand#34", "Brand#45", "Brand#55");
    private static final List<String> EDGE_STRINGS =
            List.of("", " ", "a", "A", "abc", "\u00e9t\u00e9", "a%b", "x_y", "FURNITURE", "R", "it's");
    private static final List<String> FREE = List.of();

    final List<Table> tables;
    final List<Edge> edges;
    final Table edge;

    DifferentialSchema() {
        Table lineitem = table(
                "tpch.lineitem",
                num("l_orderkey", Kind.BIGINT, 1, 60000, false),
                num("l_partkey", Kind.BIGINT, 1, 2000, false),
                num("l_suppkey", Kind.BIGINT, 1, 100, false),
                num("l_linenumber", Kind.INT, 1, 7, true),
                num("l_quantity", Kind.DEC, 100, 5000, true),
                num("l_extendedprice", Kind.DEC, 90000, 10000000, false),
                num("l_discount", Kind.DEC, 0, 10, true),
                num("l_tax", Kind.DEC, 0, 8, true),
                str("l_returnflag", FLAGS),
                str("l_linestatus", List.of("O", "F")),
                date("l_shipdate"),
                date("l_commitdate"),
                date("l_receiptdate"),
                str("l_shipinstruct", INSTRUCTIONS),
                str("l_shipmode", SHIP_MODES),
                str("l_comment", FREE));
        Table orders = table(
                "tpch.orders",
                num("o_orderkey", Kind.BIGINT, 1, 60000, false),
                num("o_custkey", Kind.BIGINT, 1, 1500, false),
                str("o_orderstatus", List.of("F", "O", "P")),
                num("o_totalprice", Kind.DEC, 80000, 50000000, false),
                date("o_orderdate"),
                str("o_orderpriority", PRIORITIES),
                str("o_clerk", FREE),
                num("o_shippriority", Kind.INT, 0, 0, true),
                str("o_comment", FREE));
        Table customer = table(
                "tpch.customer",
                num("c_custkey", Kind.BIGINT, 1, 1500, false),
                str("c_name", FREE),
                num("c_nationkey", Kind.BIGINT, 0, 24, true),
                num("c_acctbal", Kind.DEC, -100000, 1000000, false),
                str("c_mktsegment", SEGMENTS),
                str("c_comment", FREE));
        Table part = table(
                "tpch.part",
                num("p_partkey", Kind.BIGINT, 1, 2000, false),
                str("p_name", FREE),
                str("p_mfgr", MFGRS),
                str("p_brand", BRANDS),
                str("p_type", FREE),
                num("p_size", Kind.INT, 1, 50, true),
                str("p_container", CONTAINERS),
                num("p_retailprice", Kind.DEC, 90000, 210000, false));
        Table supplier = table(
                "tpch.supplier",
                num("s_suppkey", Kind.BIGINT, 1, 100, false),
                str("s_name", FREE),
                num("s_nationkey", Kind.BIGINT, 0, 24, true),
                num("s_acctbal", Kind.DEC, -100000, 1000000, false),
                str("s_comment", FREE));
        Table partsupp = table(
                "tpch.partsupp",
                num("ps_partkey", Kind.BIGINT, 1, 2000, false),
                num("ps_suppkey", Kind.BIGINT, 1, 100, false),
                num("ps_availqty", Kind.INT, 1, 9999, false),
                num("ps_supplycost", Kind.DEC, 100, 100000, false));
        Table nation = table(
                "tpch.nation",
                num("n_nationkey", Kind.BIGINT, 0, 24, true),
                str("n_name", NATIONS),
                num("n_regionkey", Kind.BIGINT, 0, 4, true));
        Table region = table("tpch.region", num("r_regionkey", Kind.BIGINT, 0, 4, true), str("r_name", REGIONS));
        edge = table(
                "fz.edge",
                num("e_id", Kind.BIGINT, 1, 40, false),
                num("e_int", Kind.INT, -5, 50, true),
                num("e_big", Kind.BIGINT, -1000, 1000, false),
                num("e_dec", Kind.DEC, -2000000, 2000000, false),
                num("e_dbl", Kind.DOUBLE, -10, 10, false),
                str("e_str", EDGE_STRINGS),
                date("e_date"),
                new Column("", "e_flag", Kind.BOOL, 0, 1, List.of(), true),
                num("e_key", Kind.BIGINT, 0, 40, false),
                num("e_nation", Kind.BIGINT, 0, 30, true));
        tables = List.of(lineitem, orders, customer, part, supplier, partsupp, nation, region, edge);
        edges = List.of(
                new Edge(lineitem.column("l_orderkey"), orders.column("o_orderkey")),
                new Edge(orders.column("o_custkey"), customer.column("c_custkey")),
                new Edge(customer.column("c_nationkey"), nation.column("n_nationkey")),
                new Edge(supplier.column("s_nationkey"), nation.column("n_nationkey")),
                new Edge(lineitem.column("l_partkey"), part.column("p_partkey")),
                new Edge(lineitem.column("l_suppkey"), supplier.column("s_suppkey")),
                new Edge(partsupp.column("ps_partkey"), part.column("p_partkey")),
                new Edge(partsupp.column("ps_suppkey"), supplier.column("s_suppkey")),
                new Edge(nation.column("n_regionkey"), region.column("r_regionkey")),
                new Edge(edge.column("e_key"), orders.column("o_orderkey")),
                new Edge(edge.column("e_key"), lineitem.column("l_orderkey")),
                new Edge(edge.column("e_nation"), nation.column("n_nationkey")),
                new Edge(edge.column("e_nation"), customer.column("c_nationkey")),
                new Edge(edge.column("e_int"), lineitem.column("l_linenumber")),
                new Edge(edge.column("e_int"), part.column("p_size")));
    }

    /** The statement creating {@code fz.edge}, the same for Veil and DuckDB. */
    static List<String> edgeDdl() {
        return List.of(
                "CREATE SCHEMA fz",
                "CREATE TABLE fz.edge (e_id BIGINT, e_int INTEGER, e_big BIGINT, e_dec DECIMAL(15,2), e_dbl DOUBLE, "
                        + "e_str VARCHAR, e_date DATE, e_flag BOOLEAN, e_key BIGINT, e_nation BIGINT)");
    }

    /** {@code INSERT} statements filling {@code fz.edge}, one per segment, the same for Veil and DuckDB. */
    static List<String> edgeInserts() {
        Random random = new Random(7);
        String[] ints = {"NULL", "0", "1", "-1", "7", "2147483647", "-2147483647", "3", "25"};
        String[] bigs = {
            "NULL", "0", "1", "-1", "9223372036854775807", "-9223372036854775807", "4611686018427387904", "123456789012"
        };
        String[] decs = {"NULL", "0.00", "-0.01", "-12345.67", "9999999999999.99", "-9999999999999.99", "1.50", "42.42"
        };
        String[] dbls = {"NULL", "0.0", "-1.5", "1.0E15", "3.25", "-0.001", "2.5", "-7.75"};
        String[] dates = {
            "NULL",
            "DATE '1970-01-01'",
            "DATE '1992-01-01'",
            "DATE '1998-12-31'",
            "DATE '2000-02-29'",
            "DATE '1900-01-01'",
            "DATE '2099-12-31'",
            "DATE '1995-06-17'"
        };
        String[] flags = {"NULL", "TRUE", "FALSE"};
        String[] keys = {"NULL", "1", "2", "3", "4", "5", "6", "7", "32", "0", "-5", "999999"};
        String[] nations = {"NULL", "0", "1", "5", "24", "99", "7", "7"};
        List<String> inserts = new ArrayList<>();
        int id = 1;
        for (int segment = 0; segment < 4; segment++) {
            StringBuilder sql = new StringBuilder("INSERT INTO fz.edge VALUES ");
            for (int row = 0; row < 10; row++, id++) {
                String str = random.nextInt(8) == 0
                        ? "NULL"
                        : DifferentialGenerator.quote(EDGE_STRINGS.get(random.nextInt(EDGE_STRINGS.size())));
                sql.append(row == 0 ? "" : ", ")
                        .append('(')
                        .append(id == 40 ? "NULL" : String.valueOf(id))
                        .append(", ")
                        .append(pick(random, ints))
                        .append(", ")
                        .append(pick(random, bigs))
                        .append(", ")
                        .append(pick(random, decs))
                        .append(", ")
                        .append(pick(random, dbls))
                        .append(", ")
                        .append(str)
                        .append(", ")
                        .append(pick(random, dates))
                        .append(", ")
                        .append(pick(random, flags))
                        .append(", ")
                        .append(pick(random, keys))
                        .append(", ")
                        .append(pick(random, nations))
                        .append(')');
            }
            inserts.add(sql.toString());
        }
        // A segment of NULLs only, so that a scan meets a segment whose every value is NULL.
        inserts.add("INSERT INTO fz.edge VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
                + "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        return inserts;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }

    private static Table table(String name, Column... columns) {
        List<Column> owned = new ArrayList<>();
        for (Column column : columns) {
            owned.add(new Column(
                    name,
                    column.name(),
                    column.kind(),
                    column.low(),
                    column.high(),
                    column.values(),
                    column.lowCardinality()));
        }
        return new Table(name, owned);
    }

    private static Column num(String name, Kind kind, long low, long high, boolean lowCardinality) {
        return new Column("", name, kind, low, high, List.of(), lowCardinality);
    }

    private static Column str(String name, List<String> values) {
        return new Column("", name, Kind.STR, 0, 0, values, !values.isEmpty() && values.size() <= 12);
    }

    private static Column date(String name) {
        return new Column("", name, Kind.DATE, DAY_1992, DAY_1998_END, List.of(), false);
    }
}
