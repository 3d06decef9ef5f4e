package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.RetentionCall;
import dev.veil.plan.StatementTime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.calcite.DataContext;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlWriter;

/**
 * A retention condition ({@link RetentionCall}) run by the remote database: {@code column >=
 * CAST(? AS TIMESTAMP)}, the parameter bound when the statement runs to the first millisecond
 * retained at the statement time (the cutoff plus one millisecond, as a UTC {@code TIMESTAMP}).
 * Veil keeps a value when its milliseconds (a TIMESTAMP read back to the millisecond, floored; a
 * DATE at its midnight) are after the cutoff, which is exactly when the value is at or after the
 * cutoff plus one millisecond; both dialects compare a DATE with a TIMESTAMP at the date's
 * midnight, and a NULL is not retained (the comparison is NULL, which a filter drops).
 */
final class RemoteRetentionCall extends RemoteParameterCall {
    private final int days;

    private RemoteRetentionCall(int days, RemoteKind kind) {
        super("REMOTE_RETENTION_" + days + "_DAYS", kind);
        this.days = days;
    }

    /** The remote form of {@code retention}. */
    static RemoteRetentionCall of(RetentionCall retention, RemoteKind kind) {
        requireNonNull(retention, "retention is null");
        return new RemoteRetentionCall(retention.days(), kind);
    }

    @Override
    void write(SqlWriter writer, SqlCall call) {
        call.operand(0).unparse(writer, 0, 0);
        writer.print(">= CAST(");
        parameter(writer);
        writer.print("AS TIMESTAMP)");
    }

    @Override
    String describeParameter() {
        return "the first instant retained for " + days + " days before the statement time";
    }

    @Override
    void bind(Connection connection, PreparedStatement statement, int index, DataContext root) throws SQLException {
        long first = RetentionCall.cutoff(StatementTime.of(root), days) + 1;
        statement.setObject(index, LocalDateTime.ofInstant(Instant.ofEpochMilli(first), ZoneOffset.UTC));
    }
}
