package dev.veil.sql;

import static java.util.Objects.requireNonNull;

/**
 * The result of a statement that returns no rows.
 *
 * @param rows rows inserted or loaded; 0 for DDL
 * @param message a short human-readable summary, e.g. {@code "Table tpch.orders created"}
 */
public record UpdateCount(long rows, String message) implements StatementResult {
    public UpdateCount {
        requireNonNull(message, "message is null");
    }
}
