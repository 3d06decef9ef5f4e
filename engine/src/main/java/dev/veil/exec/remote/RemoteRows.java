package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.RemoteKind;
import dev.veil.control.CpuScheduler;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.storage.RemoteDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * Runs a remote statement and yields its rows in Veil's value representation (see
 * {@code VeilType}), called from generated code.
 *
 * <ul>
 *   <li>The connection comes from the remote database's bounded pool; the wait for one, and the
 *       statement itself, stop when the statement's cancel flag is set (a cancel, its time limit, a
 *       lost client): a watcher calls {@link Statement#cancel} within {@value #WATCH_MILLIS} ms.
 *   <li>While the remote computes the first rows, the thread gives its CPU run slot back
 *       ({@link CpuScheduler#pauseCurrent}), so a slow remote does not keep local statements waiting.
 *   <li>A remote failure is REMOTE_QUERY_FAILED without the remote's message (it could quote a
 *       row's value); the message goes to the server log only.
 * </ul>
 */
public final class RemoteRows {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RemoteRows.class);

    /** How often the watcher looks at the cancel flags of running remote statements. */
    static final long WATCH_MILLIS = 25;

    private static final int FETCH_SIZE = 2048;
    private static final Set<Running> RUNNING = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService WATCHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-remote-cancel");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHER.scheduleWithFixedDelay(RemoteRows::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private RemoteRows() {}

    /** How one output column is read from a remote result. */
    enum Kind {
        BOOLEAN,
        TINYINT,
        SMALLINT,
        INTEGER,
        BIGINT,
        REAL,
        DOUBLE,
        DECIMAL,
        VARCHAR,
        DATE,
        TIMESTAMP
    }

    /** A column's reader: its kind, and for DECIMAL the scale Veil holds it at. */
    record Reader(Kind kind, int scale) {
        Reader {
            requireNonNull(kind, "kind is null");
        }
    }

    /**
     * The Trino session setting of a statement whose aggregations run in one step: Trino then
     * aggregates each group once, after the exchange, instead of partially before it (and before a
     * join, then again after it). For the DP pre-aggregation, whose {@code array_agg} holds every
     * row of a cell whatever the steps, the partial steps only copy the arrays once more each.
     */
    static final String ONE_STEP_AGGREGATION = "prefer_partial_aggregation = false";

    private static final String ONE_STEP_PROPERTY = "prefer_partial_aggregation";

    /**
     * What one remote query runs and how its rows are read; its first {@code keyUses} parameters
     * are each bound to one key drawn from {@link SecureRandom} when it runs, and the ones after
     * them, in order, by {@code parameters} from the execution (its consent sets, its statement
     * time); no value is logged. With {@code oneStepAggregation} (Trino only) the statement runs
     * under {@link #ONE_STEP_AGGREGATION}, set on the connection before it and reset after it.
     */
    public record Spec(
            RemoteDatabase database,
            String sql,
            List<Reader> readers,
            boolean scalar,
            int keyUses,
            List<RemoteParameterCall> parameters,
            boolean oneStepAggregation) {
        public Spec {
            requireNonNull(database, "database is null");
            requireNonNull(sql, "sql is null");
            readers = List.copyOf(readers);
            parameters = List.copyOf(parameters);
            if (keyUses < 0) {
                throw new IllegalArgumentException("keyUses must be >= 0, was " + keyUses);
            }
            if (oneStepAggregation && database.kind() != RemoteKind.TRINO) {
                throw new IllegalArgumentException("one-step aggregation is a Trino session setting");
            }
        }
    }

    private static final SecureRandom KEYS = new SecureRandom();

    /** A fresh key: 128 random bits as hex. */
    private static String freshKey() {
        byte[] bytes = new byte[16];
        KEYS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether every column of {@code rowType} can be read back from a remote result. */
    static boolean supports(RelDataType rowType) {
        for (RelDataTypeField field : rowType.getFieldList()) {
            if (reader(field.getType()) == null) {
                return false;
            }
        }
        return true;
    }

    static List<Reader> readers(RelDataType rowType) {
        return rowType.getFieldList().stream()
                .map(f -> requireNonNull(reader(f.getType()), "no reader for " + f.getType()))
                .toList();
    }

    private static Reader reader(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> new Reader(Kind.BOOLEAN, 0);
            case TINYINT -> new Reader(Kind.TINYINT, 0);
            case SMALLINT -> new Reader(Kind.SMALLINT, 0);
            case INTEGER -> new Reader(Kind.INTEGER, 0);
            case BIGINT -> new Reader(Kind.BIGINT, 0);
            case REAL -> new Reader(Kind.REAL, 0);
            case FLOAT, DOUBLE -> new Reader(Kind.DOUBLE, 0);
            case DECIMAL -> new Reader(Kind.DECIMAL, type.getScale());
            case CHAR, VARCHAR -> new Reader(Kind.VARCHAR, 0);
            case DATE -> new Reader(Kind.DATE, 0);
            case TIMESTAMP -> new Reader(Kind.TIMESTAMP, 0);
            default -> null;
        };
    }

    /** The rows of {@code spec}'s statement, run when first enumerated. */
    public static Enumerable<Object> rows(Spec spec, DataContext root) {
        requireNonNull(spec, "spec is null");
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new RowEnumerator(spec, cancelFlag, root);
            }
        };
    }

    /** A remote statement running for a cancel flag. */
    private record Running(Statement statement, AtomicBoolean cancelFlag, AtomicBoolean cancelled) {}

    private static void watch() {
        for (Running running : RUNNING) {
            if (running.cancelFlag().get() && running.cancelled().compareAndSet(false, true)) {
                try {
                    running.statement().cancel();
                } catch (SQLException | RuntimeException e) {
                    // The statement ends anyway: the enumerator fails at its next cancel check.
                }
            }
        }
    }

    private static final class RowEnumerator implements Enumerator<Object> {
        private final Spec spec;
        private final AtomicBoolean cancelFlag;
        private final DataContext root;
        private Connection connection;
        private Statement statement;
        private Running running;
        private ResultSet rows;
        private Object current;
        private boolean broken;
        private boolean done;
        private boolean sessionSet;

        RowEnumerator(Spec spec, AtomicBoolean cancelFlag, DataContext root) {
            this.spec = spec;
            this.cancelFlag = cancelFlag;
            this.root = root;
        }

        @Override
        public Object current() {
            return current;
        }

        @Override
        public boolean moveNext() {
            if (done) {
                return false;
            }
            try {
                if (rows == null) {
                    start();
                }
                if (!rows.next()) {
                    done = true;
                    return false;
                }
                current = row();
                return true;
            } catch (SQLException e) {
                broken = true;
                throw failure(e);
            } catch (RuntimeException e) {
                // A parameter that could not be bound (a consent set too large): give the connection back.
                close();
                throw e;
            }
        }

        private void start() throws SQLException {
            if (cancelFlag.get()) {
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            }
            connection = spec.database().borrow(cancelFlag);
            if (spec.database().kind() == RemoteKind.POSTGRESQL) {
                // PostgreSQL streams a result with a cursor only inside a transaction.
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
            }
            if (spec.oneStepAggregation()) {
                // Trino's driver keeps the setting for the connection's next statements: reset in
                // close(). A cluster whose access control refuses it runs the statement as it is:
                // the same answer, with Trino's partial aggregations.
                try (Statement set = connection.createStatement()) {
                    set.execute("SET SESSION " + ONE_STEP_AGGREGATION);
                    sessionSet = true;
                } catch (SQLException refused) {
                    LOG.warn(
                            "Trino refused SET SESSION {} on connection '{}'; its DP statements run with partial"
                                    + " aggregation (slower): {}",
                            ONE_STEP_AGGREGATION,
                            spec.database().definition().name(),
                            refused.getMessage());
                }
            }
            PreparedStatement prepared = null;
            if (spec.keyUses() > 0 || !spec.parameters().isEmpty()) {
                prepared = connection.prepareStatement(spec.sql());
                statement = prepared;
                String key = spec.keyUses() > 0 ? freshKey() : null;
                for (int i = 1; i <= spec.keyUses(); i++) {
                    prepared.setString(i, key);
                }
                for (int i = 0; i < spec.parameters().size(); i++) {
                    spec.parameters().get(i).bind(connection, prepared, spec.keyUses() + 1 + i, root);
                }
            } else {
                statement = connection.createStatement();
            }
            statement.setFetchSize(FETCH_SIZE);
            running = new Running(statement, cancelFlag, new AtomicBoolean());
            RUNNING.add(running);
            CpuScheduler.Paused paused = CpuScheduler.pauseCurrent();
            try {
                rows = prepared != null ? prepared.executeQuery() : statement.executeQuery(spec.sql());
            } finally {
                paused.resume();
            }
        }

        private Object row() throws SQLException {
            List<Reader> readers = spec.readers();
            if (spec.scalar()) {
                return value(readers.get(0), 1);
            }
            Object[] row = new Object[readers.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = value(readers.get(i), i + 1);
            }
            return row;
        }

        private Object value(Reader reader, int column) throws SQLException {
            Object value = switch (reader.kind()) {
                case BOOLEAN -> rows.getBoolean(column);
                case TINYINT -> (byte) integral(column, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case SMALLINT -> (short) integral(column, Short.MIN_VALUE, Short.MAX_VALUE);
                case INTEGER -> (int) integral(column, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case BIGINT -> integral(column, Long.MIN_VALUE, Long.MAX_VALUE);
                case REAL -> rows.getFloat(column);
                case DOUBLE -> rows.getDouble(column);
                case DECIMAL -> {
                    BigDecimal d = rows.getBigDecimal(column);
                    yield d == null ? null : d.setScale(reader.scale(), RoundingMode.HALF_UP);
                }
                case VARCHAR -> rows.getString(column);
                case DATE -> {
                    LocalDate d = rows.getObject(column, LocalDate.class);
                    yield d == null ? null : (int) d.toEpochDay();
                }
                case TIMESTAMP -> {
                    LocalDateTime t = rows.getObject(column, LocalDateTime.class);
                    yield t == null ? null : t.toInstant(ZoneOffset.UTC).toEpochMilli();
                }
            };
            return rows.wasNull() ? null : value;
        }

        /**
         * An integral value; a remote that computes it as an exact numeric (PostgreSQL's SUM and AVG
         * of integers) has it truncated toward zero, as Veil's integer AVG does, and a value
         * outside the type fails with NUMERIC_OUT_OF_RANGE as Veil's own checked sums do.
         */
        private long integral(int column, long min, long max) throws SQLException {
            Object raw = rows.getObject(column);
            if (raw == null) {
                return 0;
            }
            BigInteger value;
            if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
                long v = ((Number) raw).longValue();
                if (v < min || v > max) {
                    throw outOfRange();
                }
                return v;
            } else if (raw instanceof BigDecimal d) {
                value = d.toBigInteger();
            } else if (raw instanceof Number n) {
                value = BigDecimal.valueOf(n.doubleValue()).toBigInteger();
            } else {
                value = new BigDecimal(raw.toString()).toBigInteger();
            }
            if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
                throw outOfRange();
            }
            return value.longValue();
        }

        private static VeilException outOfRange() {
            return new VeilException(ErrorCode.NUMERIC_OUT_OF_RANGE, "A value computed remotely is out of range");
        }

        private RuntimeException failure(SQLException e) {
            if (cancelFlag.get()) {
                return new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            }
            return spec.database().failure("the query failed", e);
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a remote result cannot be reset");
        }

        @Override
        public void close() {
            done = true;
            if (running != null) {
                RUNNING.remove(running);
            }
            if (connection == null) {
                return;
            }
            try {
                if (rows != null) {
                    rows.close();
                }
                if (statement != null) {
                    statement.close();
                }
                if (sessionSet && !broken) {
                    try (Statement reset = connection.createStatement()) {
                        reset.execute("RESET SESSION " + ONE_STEP_PROPERTY);
                    }
                }
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                    connection.setReadOnly(false);
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                broken = true;
            } finally {
                spec.database().release(connection, broken);
                connection = null;
            }
        }
    }
}
