package dev.veil.sql;

import dev.veil.audit.ErasureLog;
import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlEraseUnit;
import dev.veil.storage.SegmentRewrite;
import dev.veil.storage.Warehouse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Executes {@code ERASE PRIVACY UNIT value OF s.t [DEFER VACUUM]} (admin only): deletes the rows
 * of one privacy unit in every table that reaches it ({@link UnitRows}), in one catalog
 * transaction: every table with such rows gets a new version without them ({@link
 * SegmentRewrite}), and the erasure log gets its row (the unit's keyed fingerprint and the rows
 * per table, never the value) in the same transaction. A statement that took its table versions
 * before sees all the rows; one after, none: never a mix. Rows of a table whose policy says
 * {@code ON ERASE SET NULL} stay, with their foreign key set to NULL.
 *
 * <p>Then, unless {@code DEFER VACUUM}, it vacuums: it waits (up to {@link
 * VacuumStatement#ERASE_WAIT}) for statements that started before the erasure to end, and deletes
 * the replaced segment files. A unit with no rows is erased too (0 rows, and a log row): the
 * answer does not tell whether the unit ever existed beyond what the admin could query anyway.
 */
final class EraseUnitStatement {
    private EraseUnitStatement() {}

    static UpdateCount execute(SqlEraseUnit node, StatementContext context) {
        TableName unitTable = SqlNames.tableName(node.table(), context);
        UnitRows unit = UnitRows.resolve(context, unitTable, node.value());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (UnitRows.Reached r : unit.reached()) {
            counts.put(r.table().name().toString(), 0L);
        }
        Map<Long, Set<Object>> ties =
                unit.walk(true, (r, row) -> counts.merge(r.table().name().toString(), 1L, Long::sum));
        Warehouse warehouse = context.warehouse();
        ErasureLog log = new ErasureLog(warehouse.sqliteCatalog());
        String fingerprint = log.fingerprint(unitTable.toString(), unit.canonicalValue());
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        try (SegmentRewrite rewrite = warehouse.newRewrite()) {
            for (UnitRows.Reached r : unit.reached()) {
                Set<Object> keys = ties.get(r.table().id());
                if (keys == null) {
                    continue;
                }
                int tie = r.tieColumn();
                boolean setNull = r.setNullOnErase();
                rewrite.rewrite(r.table(), r.version(), row -> {
                    Object value = row[tie];
                    if (value == null || !keys.contains(UnitRows.normalize(value))) {
                        return row;
                    }
                    if (!setNull) {
                        return null;
                    }
                    Object[] detached = row.clone();
                    detached[tie] = null;
                    return detached;
                });
            }
            rewrite.commit(c -> ErasureLog.append(
                    c, context.user(), ErasureLog.Action.ERASE, unitTable.toString(), fingerprint, counts));
        }
        String message = "Erased the privacy unit of " + unitTable + ": " + UnitRows.describe(counts);
        if (node.deferVacuum()) {
            message += "; the replaced segment files stay on disk until VACUUM";
        } else {
            message += ". " + VacuumStatement.message(VacuumStatement.vacuum(context, VacuumStatement.ERASE_WAIT));
        }
        return new UpdateCount(total, message);
    }
}
