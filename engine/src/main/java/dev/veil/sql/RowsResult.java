package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The rows of a query, streamed: values are in {@link dev.veil.catalog.VeilType}'s representation
 * (DATE as days, TIMESTAMP as milliseconds). Closing it stops the query and frees its resources.
 */
public final class RowsResult implements StatementResult, AutoCloseable {
    private final List<ResultColumn> columns;
    private final Enumerator<Object[]> rows;
    private final double epsilon;
    private final double delta;
    private final List<String> notices;

    public RowsResult(List<ResultColumn> columns, Enumerator<Object[]> rows) {
        this(columns, rows, 0, 0);
    }

    /** Rows whose computation was charged {@code epsilon} and {@code delta} of the user's budget. */
    public RowsResult(List<ResultColumn> columns, Enumerator<Object[]> rows, double epsilon, double delta) {
        this(columns, rows, epsilon, delta, List.of());
    }

    /**
     * As above, with {@code notices} for the client (JDBC warnings): what the user should know of
     * how the rows were made, never anything that depends on the data.
     */
    public RowsResult(
            List<ResultColumn> columns, Enumerator<Object[]> rows, double epsilon, double delta, List<String> notices) {
        this.notices = List.copyOf(requireNonNull(notices, "notices is null"));
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        this.rows = requireNonNull(rows, "rows is null");
        this.epsilon = epsilon;
        this.delta = delta;
    }

    /** The epsilon charged for these rows (0 without noise). */
    public double epsilon() {
        return epsilon;
    }

    /** The delta charged for these rows. */
    public double delta() {
        return delta;
    }

    /** The notices for the client, as JDBC warnings on the result set. */
    public List<String> notices() {
        return notices;
    }

    public List<ResultColumn> columns() {
        return columns;
    }

    /** The row enumerator; runtime failures surface from {@code moveNext} as {@code VeilException}s. */
    public Enumerator<Object[]> rows() {
        return rows;
    }

    @Override
    public void close() {
        rows.close();
    }
}
