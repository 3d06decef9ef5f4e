package dev.veil.control;

import static java.util.Objects.requireNonNull;

import dev.veil.storage.Warehouse;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements running on one open warehouse in this process, by the id of their audit entry:
 * what {@code veil.running_statements} lists and {@code CANCEL STATEMENT} stops. A statement is
 * running from the moment its audit entry is written until it ends (for a query: until its
 * result is read to the end or closed).
 */
public final class RunningStatements {
    private static final Map<Warehouse, RunningStatements> OF_WAREHOUSE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<Long, Running> running = new ConcurrentHashMap<>();

    /** One running statement. */
    public record Running(
            long id, String user, long startedAtMillis, long startedNanos, String statement, StatementControl control) {
        public Running {
            requireNonNull(user, "user is null");
            requireNonNull(statement, "statement is null");
            requireNonNull(control, "control is null");
        }

        /** How long it has been running. */
        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startedNanos);
        }

        /**
         * {@code QUEUED} while it waits for its user's admission or for a CPU slot, {@code RUNNING}
         * otherwise, or {@code CANCELLING} once it has been told to stop.
         */
        public String state() {
            if (control.isStopping()) {
                return "CANCELLING";
            }
            return control.isQueued() ? "QUEUED" : "RUNNING";
        }
    }

    private RunningStatements() {}

    /** The running statements of {@code warehouse}. */
    public static RunningStatements of(Warehouse warehouse) {
        requireNonNull(warehouse, "warehouse is null");
        return OF_WAREHOUSE.computeIfAbsent(warehouse, w -> new RunningStatements());
    }

    /** Notes that a statement started. */
    public void started(Running statement) {
        requireNonNull(statement, "statement is null");
        running.put(statement.id(), statement);
    }

    /** Notes that the statement with audit id {@code id} ended. */
    public void ended(long id) {
        running.remove(id);
    }

    /** The running statement with audit id {@code id}, if it is still running. */
    public Optional<Running> get(long id) {
        return Optional.ofNullable(running.get(id));
    }

    /** Stops, for {@code why}, the running statements cancelled through {@code cancelFlag}. */
    public void stop(java.util.concurrent.atomic.AtomicBoolean cancelFlag, StatementControl.Stop why) {
        requireNonNull(cancelFlag, "cancelFlag is null");
        for (Running r : running.values()) {
            if (r.control().cancelFlag() == cancelFlag) {
                r.control().stop(why, null);
            }
        }
    }

    /** The audit id of the running statement cancelled through {@code cancelFlag}, if any. */
    public Optional<Long> idOf(java.util.concurrent.atomic.AtomicBoolean cancelFlag) {
        requireNonNull(cancelFlag, "cancelFlag is null");
        for (Running r : running.values()) {
            if (r.control().cancelFlag() == cancelFlag) {
                return Optional.of(r.id());
            }
        }
        return Optional.empty();
    }

    /** Every running statement, oldest first. */
    public List<Running> all() {
        return running.values().stream()
                .sorted(Comparator.comparingLong(Running::id))
                .toList();
    }
}
