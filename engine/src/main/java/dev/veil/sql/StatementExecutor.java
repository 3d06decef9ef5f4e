package dev.veil.sql;

import dev.veil.sql.parser.VeilParser;
import org.apache.calcite.sql.SqlNode;

/**
 * Runs one SQL statement: parses it and hands it to the executor of its kind. The single entry
 * point of the SQL layer, used by sessions; {@link StatementRegistry} says who may run what.
 */
public final class StatementExecutor {
    private StatementExecutor() {}

    public static StatementResult execute(String sql, StatementContext context) {
        return execute(VeilParser.parse(sql), context);
    }

    public static StatementResult execute(SqlNode node, StatementContext context) {
        return StatementRegistry.execute(node, context);
    }
}
