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
        Warehouse.Collected collected = vacuum(context, Duration.ZERO);
        return new UpdateCount(collected.deleted(), message(collected));
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
                return warehouse.collectGarbage(oldest);
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
