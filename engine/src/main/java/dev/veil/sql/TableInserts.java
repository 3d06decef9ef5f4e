package dev.veil.sql;

import dev.veil.catalog.TableDef;
import dev.veil.storage.TableWriter;
import org.apache.calcite.linq4j.Enumerator;

/** Appends the rows of a planned query to a table as one new version, all or nothing. */
final class TableInserts {
    private TableInserts() {}

    /** Runs {@code query} and commits its rows to {@code table}; returns the row count. */
    static long append(TableDef table, PlannedQuery query, StatementContext context) {
        try (TableWriter writer = context.warehouse().newWriter(table);
                Enumerator<Object[]> rows = query.execute(context)) {
            while (rows.moveNext()) {
                writer.append(rows.current());
            }
            long count = writer.rowCount();
            writer.commit();
            return count;
        }
    }
}
