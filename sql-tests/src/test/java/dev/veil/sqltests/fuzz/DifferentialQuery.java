package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import dev.veil.sqltests.RowOrder;

/**
 * One query of {@link DifferentialFuzzTest}: its SQL, and the output columns its ORDER BY orders by
 * (unordered when it has none; when it has a LIMIT, its ORDER BY is a total order of the rows).
 */
record DifferentialQuery(String sql, RowOrder order) {
    DifferentialQuery {
        requireNonNull(sql, "sql is null");
        requireNonNull(order, "order is null");
    }
}
