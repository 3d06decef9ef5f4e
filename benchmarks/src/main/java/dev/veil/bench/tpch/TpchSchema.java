package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchColumnType;
import io.trino.tpch.TpchTable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The TPC-H schema as SQL DDL that both Veil and DuckDB accept.
 *
 * <p>Types follow the specification: identifiers {@code BIGINT}, integer columns {@code INTEGER},
 * money, quantities, discounts and taxes {@code DECIMAL(15,2)}, dates {@code DATE}, text
 * {@code VARCHAR}. Every column is {@code NOT NULL}, as in the specification. Columns are listed
 * in the order in which {@link TpchData} writes them.
 */
public final class TpchSchema {
    /** The eight table names, lower case, small tables first. */
    public static final List<String> TABLES =
            List.of("region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    private TpchSchema() {}

    /** The {@code CREATE TABLE} statements of all eight tables in {@code schema}, in {@link #TABLES} order. */
    public static List<String> ddl(String schema) {
        checkIdentifier(schema, "schema");
        List<String> statements = new ArrayList<>();
        for (String table : TABLES) {
            statements.add(createTable(schema, table));
        }
        return List.copyOf(statements);
    }

    /** The {@code CREATE TABLE} statement of one TPC-H table (lower-case name, e.g. {@code lineitem}). */
    public static String createTable(String schema, String table) {
        checkIdentifier(schema, "schema");
        requireNonNull(table, "table is null");
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("Not a TPC-H table: '" + table + "'; expected one of " + TABLES);
        }
        StringBuilder sql = new StringBuilder("CREATE TABLE ")
                .append(schema)
                .append('.')
                .append(table)
                .append(" (");
        String separator = "\n    ";
        for (TpchColumn<?> column : TpchTable.getTable(table).getColumns()) {
            sql.append(separator)
                    .append(column.getColumnName())
                    .append(' ')
                    .append(sqlType(column.getType()))
                    .append(" NOT NULL");
            separator = ",\n    ";
        }
        return sql.append("\n)").toString();
    }

    private static String sqlType(TpchColumnType type) {
        switch (type.getBase()) {
            case IDENTIFIER:
                return "BIGINT";
            case INTEGER:
                return "INTEGER";
            case DATE:
                return "DATE";
            case DOUBLE:
                // The generator's DOUBLE columns are all exact two-digit decimals in the specification.
                return "DECIMAL(15,2)";
            case VARCHAR:
                return "VARCHAR";
            default:
                throw new IllegalStateException("Unknown TPC-H column type " + type.getBase());
        }
    }

    static void checkIdentifier(String name, String what) {
        requireNonNull(name, what + " is null");
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a lower-case unquoted SQL identifier: '" + name + "'");
        }
    }
}
