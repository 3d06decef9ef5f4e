package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import org.apache.calcite.sql.SqlIdentifier;

/** Reads Veil object names out of parsed identifiers. */
final class SqlNames {
    private SqlNames() {}

    /** {@code t} (in the default schema {@code public}) or {@code s.t}. */
    static TableName tableName(SqlIdentifier id) {
        return tableName(id, PlannerContext.DEFAULT_SCHEMA);
    }

    /** {@code t} (in the session's schema, see {@code SET SCHEMA}) or {@code s.t}. */
    static TableName tableName(SqlIdentifier id, StatementContext context) {
        return tableName(id, context.settings().schema());
    }

    private static TableName tableName(SqlIdentifier id, String defaultSchema) {
        if (id.names.size() == 1) {
            return new TableName(defaultSchema, id.names.get(0));
        }
        if (id.names.size() == 2) {
            return new TableName(id.names.get(0), id.names.get(1));
        }
        throw new VeilException(
                ErrorCode.INVALID_STATEMENT, "Table name '" + id + "' has too many parts; write schema.table");
    }

    /** A one-part name such as a schema or column name. */
    static String simpleName(SqlIdentifier id, String what) {
        if (!id.isSimple()) {
            throw new VeilException(ErrorCode.INVALID_STATEMENT, "A " + what + " name has one part, got '" + id + "'");
        }
        return id.getSimple();
    }
}
