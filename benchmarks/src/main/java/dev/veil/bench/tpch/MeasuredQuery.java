package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A query the TPC-H benchmark times: its name in the report and its SQL text over schema {@code tpch}.
 *
 * @param name the report's name for it, e.g. {@code q01}
 * @param sql the query text, the same for every engine
 */
public record MeasuredQuery(String name, String sql) {
    /** The TPC-H queries the benchmark times by default. */
    public static final List<String> DEFAULT_TPCH = List.of("q01", "q03", "q05", "q06", "q10", "q12", "q18");

    /** The name of the full-scan aggregate that the benchmark times besides the TPC-H queries. */
    public static final String SUM_PRICE = "sum_price";

    public MeasuredQuery {
        requireNonNull(name, "name is null");
        requireNonNull(sql, "sql is null");
    }

    /** The default query set: {@link #DEFAULT_TPCH}, then {@link #SUM_PRICE}. */
    public static List<MeasuredQuery> defaults() {
        List<String> names = new ArrayList<>(DEFAULT_TPCH);
        names.add(SUM_PRICE);
        return named(names);
    }

    /** The queries with the given names: TPC-H query names ({@code q01} .. {@code q22}) or {@link #SUM_PRICE}. */
    public static List<MeasuredQuery> named(List<String> names) {
        requireNonNull(names, "names is null");
        List<MeasuredQuery> queries = new ArrayList<>();
        for (String name : names) {
            String trimmed = name.strip();
            queries.add(new MeasuredQuery(
                    trimmed,
                    trimmed.equals(SUM_PRICE)
                            ? "SELECT SUM(l_extendedprice) FROM tpch.lineitem"
                            : TpchQueries.sql(trimmed)));
        }
        return List.copyOf(queries);
    }
}
