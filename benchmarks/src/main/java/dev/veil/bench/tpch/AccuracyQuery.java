package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A query whose DP answer the accuracy table compares with its true answer: its text and which
 * output columns are group keys (matched between the two answers) rather than aggregates (compared).
 *
 * @param name the report's name, e.g. {@code q01} or {@code q03_count}
 * @param sql the query text, run by the analyst (noisy) and by the administrator (true)
 * @param keyColumns the 0-based output columns that identify a group; empty for a single-row aggregate
 * @param unit the privacy unit the query is protected by, for the report
 */
record AccuracyQuery(String name, String sql, Set<Integer> keyColumns, String unit) {
    private static final String CUSTOMER = "customer";
    private static final String ORDERS = "orders";

    /**
     * The group-key columns of the timed queries whose DP version is the query as written. Q3, Q10
     * and Q18 are not here: their DP versions are count/sum variants ({@link DpQueries}), measured by
     * the {@link #joinAggregates} rows.
     */
    private static final Map<String, Set<Integer>> KEYS = Map.of(
            "q01",
            Set.of(0, 1),
            "q05",
            Set.of(0),
            "q06",
            Set.of(),
            "q12",
            Set.of(0),
            MeasuredQuery.SUM_PRICE,
            Set.of());

    AccuracyQuery {
        requireNonNull(name, "name is null");
        requireNonNull(sql, "sql is null");
        keyColumns = Set.copyOf(requireNonNull(keyColumns, "keyColumns is null"));
        requireNonNull(unit, "unit is null");
    }

    /** The accuracy query of a timed query, with customer as the unit. */
    static AccuracyQuery of(MeasuredQuery query) {
        Set<Integer> keys = KEYS.get(query.name());
        if (keys == null) {
            throw new IllegalArgumentException("No group keys known for query " + query.name());
        }
        return new AccuracyQuery(query.name(), query.sql(), keys, CUSTOMER);
    }

    /** Whether {@link #of} knows the group keys of {@code query}. */
    static boolean known(MeasuredQuery query) {
        return KEYS.containsKey(query.name());
    }

    /**
     * The single-number versions of Q3, Q5, Q7, Q10, Q12, Q18 (customer as the unit) and Q12 again
     * with the order as the unit ({@code q12o_}), in the style of the DP join-query literature (R2T):
     * the count of join results and the sum of the query's measure over them, without grouping. The
     * Q18 rows and the {@code _r2t} rows ask exactly R2T's questions ({@link #r2t}); the others keep
     * the TPC-H query's filters, which R2T's versions drop.
     */
    static List<AccuracyQuery> joinAggregates() {
        List<AccuracyQuery> queries = new ArrayList<>();
        queries.add(scalar("q03_count", "select count(*)" + DpQueries.Q3_FROM, CUSTOMER));
        queries.add(scalar("q03_sum", "select " + DpQueries.REVENUE + DpQueries.Q3_FROM, CUSTOMER));
        queries.add(scalar("q05_count", "select count(*)" + DpQueries.Q5_FROM, CUSTOMER));
        queries.add(scalar("q05_sum", "select " + DpQueries.REVENUE + DpQueries.Q5_FROM, CUSTOMER));
        queries.add(scalar("q07_count", "select count(*)" + DpQueries.Q7_FROM, CUSTOMER));
        queries.add(scalar("q07_sum", "select " + DpQueries.REVENUE + DpQueries.Q7_FROM, CUSTOMER));
        queries.add(scalar("q10_count", "select count(*)" + DpQueries.Q10_FROM, CUSTOMER));
        queries.add(scalar("q10_sum", "select " + DpQueries.REVENUE + DpQueries.Q10_FROM, CUSTOMER));
        queries.add(scalar("q12_count", "select count(*)" + DpQueries.Q12_FROM, CUSTOMER));
        queries.add(scalar("q12_sum", "select sum(l_extendedprice)" + DpQueries.Q12_FROM, CUSTOMER));
        queries.add(scalar("q12o_count", "select count(*)" + DpQueries.Q12_ORDERS_FROM, ORDERS));
        queries.add(scalar("q12o_sum", "select sum(l_extendedprice)" + DpQueries.Q12_ORDERS_FROM, ORDERS));
        queries.add(scalar("q18_count", "select count(*)" + DpQueries.R2T_Q18_FROM, CUSTOMER));
        queries.add(scalar("q18_sum", "select sum(l_quantity)" + DpQueries.R2T_Q18_FROM, CUSTOMER));
        queries.add(scalar("q03_r2t", "select count(*)" + DpQueries.R2T_Q3_FROM, CUSTOMER));
        queries.add(scalar("q10_r2t", "select count(*)" + DpQueries.R2T_Q10_FROM, CUSTOMER));
        queries.add(scalar("q12o_r2t", "select count(*)" + DpQueries.R2T_Q12_FROM, ORDERS));
        return List.copyOf(queries);
    }

    /**
     * R2T's published relative error of a TPC-H query (SIGMOD 2022; from its artifact's results at SF 1,
     * {@code Result/TPCH/R2T_Q*.txt}: the mean absolute error of 10 runs after dropping the 2 highest
     * and 2 lowest, over the true answer), at ε = 0.8 and 0.1.
     *
     * @param query the TPC-H query, e.g. {@code q18}
     * @param percentAt08 the relative error in percent at ε = 0.8
     * @param percentAt01 the relative error in percent at ε = 0.1
     * @param question R2T's question, for the report
     */
    record R2tFigure(String query, double percentAt08, double percentAt01, String question) {
        R2tFigure {
            requireNonNull(query, "query is null");
            requireNonNull(question, "question is null");
        }

        /** The figure at {@code epsilon}, if R2T's artifact has it (0.8 and 0.1). */
        Optional<Double> percentAt(double epsilon) {
            if (epsilon == 0.8) {
                return Optional.of(percentAt08);
            }
            return epsilon == 0.1 ? Optional.of(percentAt01) : Optional.empty();
        }
    }

    /** R2T's figures by TPC-H query, in the order the report lists them. */
    static final List<R2tFigure> R2T = List.of(
            new R2tFigure(
                    "q03",
                    0.2540,
                    2.2763,
                    "COUNT(*) of customer ⋈ orders ⋈ lineitem with o_orderdate < 1997-01-01 and l_shipdate > "
                            + "1994-01-01 (customer as the unit): `q03_r2t`"),
            new R2tFigure(
                    "q05",
                    1.6262,
                    5.1651,
                    "COUNT(*) of Q5's six-way join without its region and date filters, with customer *and* "
                            + "supplier as units (Veil has one unit per table: no row asks this)"),
            new R2tFigure(
                    "q07",
                    0.6073,
                    3.9582,
                    "SUM(l_extendedprice·(1 − l_discount)/1000) of Q7's join without its nation and date filters, "
                            + "customer *and* supplier as units (no row asks this)"),
            new R2tFigure(
                    "q10",
                    0.1744,
                    0.7060,
                    "COUNT(*) of orders ⋈ customer ⋈ nation, no filter (customer as the unit): `q10_r2t`"),
            new R2tFigure(
                    "q12",
                    0.0229,
                    0.2041,
                    "COUNT(*) of orders ⋈ lineitem, no filter, the order as the unit: `q12o_r2t`"),
            new R2tFigure(
                    "q18",
                    0.1319,
                    0.8729,
                    "SUM(l_quantity) of customer ⋈ orders ⋈ lineitem, no filter (customer as the unit): "
                            + "`q18_sum`"));

    /** R2T's figure for the TPC-H query of the accuracy row {@code name}; empty for the queries it did not measure. */
    static Optional<R2tFigure> r2t(String name) {
        String query = name.length() >= 3 ? name.substring(0, 3) : name;
        return R2T.stream().filter(figure -> figure.query().equals(query)).findFirst();
    }

    /** Whether the accuracy row {@code name} asks exactly R2T's question (else R2T's figure is for another one). */
    static boolean sameAsR2t(String name) {
        return name.endsWith("_r2t") || name.equals("q18_sum");
    }

    private static AccuracyQuery scalar(String name, String sql, String unit) {
        return new AccuracyQuery(name, sql, Set.of(), unit);
    }
}
