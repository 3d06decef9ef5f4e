package dev.veil.sql;

import dev.veil.control.RunningStatements;
import dev.veil.control.StatementControl;
import dev.veil.sql.ast.SqlVacuum;
import dev.veil.storage.Warehouse;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Executes {@code VACUUM} (admin only): deletes the segment files that no current table version
 * references (those an erasure replaced, overwritten with zeros first; those of dropped tables;
 * those of loads that never committed), except files that a statement still running may read: a
 * file an erasure replaced stays until every statement that started before the erasure has
 * ended. Readers do not pin their table versions for their whole life (a scan pins its segments
 * only while it is open), so the horizon is the start of the oldest running statement: every
 * statement takes its table versions after it starts (see {@code CatalogSchema.snapshot}).
 */
final class VacuumStatement {
    /** How long an erasure waits for statements that started before it, to vacuum its files at once. */
    static final Duration ERASE_WAIT = Duration.ofSeconds(30);

    private VacuumStatement() {}

    static UpdateCount execute(SqlVacuum node, StatementContext context) {
        long expired = expire(context);
        Warehouse.Collected collected = vacuum(context, Duration.ZERO);
        String text = message(collected);
        if (expired > 0) {
            text = "Removed " + expired + " rows past their retention period. " + text;
        }
        return new UpdateCount(collected.deleted(), text);
    }

    /**
     * Rewrites every table with a retention period without the rows expired at the statement time
     * (those the scans already hide: the column NULL or not after the cutoff), in one commit; the
     * replaced segment files are then collected like an erasure's. The number of rows removed.
     */
    static long expire(StatementContext context) {
        Warehouse warehouse = context.warehouse();
        var retentions = new dev.veil.policy.ConsentPolicies(warehouse.sqliteCatalog()).retentions();
        if (retentions.isEmpty()) {
            return 0;
        }
        long now = context.control().statementTime();
        long removed = 0;
        try (dev.veil.storage.SegmentRewrite rewrite = warehouse.newRewrite()) {
            for (var entry : retentions.entrySet()) {
                var def = warehouse.catalog().table(entry.getKey());
                if (def.isEmpty()) {
                    continue;
                }
                int column = def.get().columnIndex(entry.getValue().column());
                if (column < 0) {
                    continue;
                }
                boolean date = def.get().columns().get(column).type().type() == dev.veil.catalog.VeilType.DATE;
                long cutoff = entry.getValue().cutoff(now);
                removed += rewrite.rewrite(
                                def.get(),
                                warehouse.catalog().currentVersion(def.get().id()),
                                row -> {
                                    Object value = row[column];
                                    if (value == null) {
                                        return null;
                                    }
                                    long millis = date
                                            ? ((Number) value).longValue() * 86_400_000L
                                            : ((Number) value).longValue();
                                    return millis > cutoff ? row : null;
                                })
                        .rowsDeleted();
            }
            if (!rewrite.isEmpty()) {
                rewrite.commit(c -> null);
            }
        }
        return removed;
    }

    static String message(Warehouse.Collected collected) {
        String text = "Vacuum deleted " + collected.deleted() + (collected.deleted() == 1 ? " file" : " files");
        if (collected.keptForRunningStatements() > 0) {
            text += "; " + collected.keptForRunningStatements()
                    + " replaced segment files are kept while statements that started before they were"
                    + " replaced still run: run VACUUM again once they end (the next start of Veil also"
                    + " deletes them)";
        }
        return text;
    }

    /**
     * Collects garbage, first waiting up to {@code wait} (and while the statement is not
     * cancelled) for the statements that may still read replaced files to end.
     */
    static Warehouse.Collected vacuum(StatementContext context, Duration wait) {
        Warehouse warehouse = context.warehouse();
        RunningStatements running = RunningStatements.of(warehouse);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long oldest = oldestOther(running, context.control());
            if (oldest > warehouse.lastRemovalNanos() || System.nanoTime() - deadline >= 0) {
                Warehouse.Collected collected = warehouse.collectGarbage(oldest);
                // An encrypted catalog's log keeps the blocks earlier commits replaced: fold it away too.
                warehouse.sqliteCatalog().storeWholeImage();
                return collected;
            }
            StatementControl.check(context.cancelFlag());
            LockSupport.parkNanos(20_000_000L);
        }
    }

    /** When the oldest running statement other than {@code self} started; {@link Long#MAX_VALUE} if none runs. */
    private static long oldestOther(RunningStatements running, StatementControl self) {
        long oldest = Long.MAX_VALUE;
        for (RunningStatements.Running r : running.all()) {
            if (r.control() != self) {
                oldest = Math.min(oldest, r.startedNanos());
            }
        }
        return oldest;
    }
}
