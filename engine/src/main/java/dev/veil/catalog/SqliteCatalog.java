package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The {@link Catalog} kept in the warehouse's SQLite database {@code veil.db}.
 *
 * <p>One connection, guarded by a lock: every call runs as one SQLite transaction while holding
 * it, so calls from many threads are serialized (catalog calls are short; the data itself is read
 * from segment files outside the lock). Writes use {@code BEGIN IMMEDIATE} so that a transaction
 * never has to upgrade its lock half way. The database runs in WAL mode with
 * {@code synchronous=FULL}: a commit that returned is on disk. The one exception is
 * {@link #writeLogUnsynced}, for log records that need not be on disk before anything else
 * happens: it commits with {@code synchronous=NORMAL} (in the write-ahead log, visible to every
 * later read, and kept if the process dies, but not yet synced), and the next synced commit, or a
 * background sync at most {@value #UNSYNCED_MAX_MILLIS} ms later, puts it on disk with every
 * commit before it (the log is written in commit order).
 *
 * <p>Other metadata stores (users, policies, budgets, audit) share this database through
 * {@link #read} and {@link #write}, and add their tables in {@link CatalogMigrations}.
 */
public final class SqliteCatalog implements Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteCatalog.class);
    /** Transactions that wait for the catalog, or hold it, longer than this are logged. */
    private static final long SLOW_NANOS = 250_000_000L;
    /** The catalog's file name inside the warehouse directory. */
    public static final String FILE_NAME = "veil.db";

    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private final Path file;
    private final Connection connection;
    /** Where an in-memory catalog stores itself after every write; null for a catalog in a plain SQLite file. */
    private final CatalogImage image;

    private final ReentrantLock lock = new ReentrantLock();
    /** How long a log write waits for the flush that may hold it before it looks again. */
    private static final long LOG_WAIT_NANOS = 5_000_000L;
    /** The most log writes one transaction commits. */
    private static final int MAX_LOG_BATCH = 256;

    /** The longest a commit of {@link #writeLogUnsynced} stays off the disk before a background sync. */
    static final long UNSYNCED_MAX_MILLIS = 1000;

    /** Runs {@link #writeLogInBackground}'s writes; its threads wait for the disk, not the processors. */
    private static final ExecutorService LOG_WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "veil-catalog-log");
        t.setDaemon(true);
        return t;
    });

    private static final ScheduledExecutorService SYNCER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-catalog-sync");
        t.setDaemon(true);
        return t;
    });

    /** Whether the connection commits with {@code synchronous=FULL} (else NORMAL); under the lock. */
    private boolean syncFull = true;
    /** Whether a commit returned before it was synced to disk, and no sync covered it since; under the lock. */
    private boolean unsynced;
    /** Whether a background sync is scheduled; under the lock. */
    private boolean syncScheduled;
    /** How many syncs were made for unsynced commits alone (none covered them); for tests. */
    private final AtomicLong separateSyncs = new AtomicLong();

    private final ConcurrentLinkedQueue<LogWrite<?>> pendingLogs = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean logFlushing = new AtomicBoolean();
    /** How many transactions have committed log writes; for tests. */
    private final AtomicLong logTransactions = new AtomicLong();

    private boolean closed;
    /** Set when storing the image failed: memory holds a commit the disk does not, so nothing more is served. */
    private volatile boolean imageLost;
    /**
     * Counts write transactions that may change what a statement is planned from (everything but
     * the logs written through {@link #writeLog}): raised when such a transaction begins, under
     * the lock, so that whoever reads the new count reads the catalog only after its commit.
     */
    private final AtomicLong generation = new AtomicLong();
    /** Objects kept per catalog by the layers above (a plan cache), by their class. */
    private final Map<Class<?>, Object> attachments = new ConcurrentHashMap<>();

    /** Work done inside one catalog transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private SqliteCatalog(Path file, Connection connection, CatalogImage image) {
        this.file = requireNonNull(file, "file is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.image = image;
    }

    /**
     * Opens a catalog held in memory, loaded from {@code image} (which names no plain file) and
     * stored back to it, whole, after every write transaction commits and before that transaction
     * returns: what a returned write says is as durable as in a file catalog. SQLite keeps its
     * journal and temporary data in memory too, so no plain page of the catalog reaches the disk.
     * {@code file} only names the catalog in messages. If storing fails, the catalog refuses every
     * later call (reopen the warehouse: the stored image is the last complete commit).
     */
    public static SqliteCatalog open(Path file, CatalogImage image) {
        requireNonNull(file, "file is null");
        requireNonNull(image, "image is null");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite::memory:");
            byte[] stored = image.load();
            if (stored.length > 0) {
                connection.unwrap(org.sqlite.SQLiteConnection.class).deserialize("main", stored);
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA journal_mode=MEMORY");
                    s.execute("PRAGMA foreign_keys=ON");
                }
            }
        } catch (SQLException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_CORRUPTED, "Cannot open catalog " + file + ": " + e.getMessage(), e);
        }
        SqliteCatalog catalog = new SqliteCatalog(file, connection, image);
        try {
            catalog.migrate();
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        return catalog;
    }

    /** Whether this catalog is held in memory and stored as an image (an encrypted warehouse). */
    public boolean inMemory() {
        return image != null;
    }

    /** The serialized database (for {@code veil rekey --data}, which stores it under a new data key). */
    public byte[] serialize() {
        return read(c -> c.unwrap(org.sqlite.SQLiteConnection.class).serialize("main"));
    }

    /** Opens (creating if absent) the catalog database {@code file} and brings its schema up to date. */
    public static SqliteCatalog open(Path file) {
        requireNonNull(file, "file is null");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        Connection connection;
        try {
            connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        } catch (SQLException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot open catalog " + file + ": " + e.getMessage(), e);
        }
        SqliteCatalog catalog = new SqliteCatalog(file, connection, null);
        try {
            catalog.migrate();
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        return catalog;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The schema version the database is at (the last applied migration). */
    public int schemaVersion() {
        return read(SqliteCatalog::schemaVersion);
    }

    /**
     * Runs {@code work} in a read transaction (a consistent snapshot of the catalog). Called from
     * inside another {@code read} or {@code write} on the same thread, it joins that transaction.
     */
    public <T> T read(SqlWork<T> work) {
        return transaction("BEGIN", work, false, true);
    }

    /**
     * Runs {@code work} in a write transaction: all of it commits, or none of it. Called from
     * inside another {@code read} or {@code write} on the same thread, it joins that transaction.
     */
    public <T> T write(SqlWork<T> work) {
        return transaction("BEGIN IMMEDIATE", work, true, true);
    }

    /**
     * Runs {@code work} in a write transaction, as {@link #write} does, for writes that change
     * nothing a statement is planned from: the audit log, the budget ledger, stored DP releases.
     * It leaves the {@link #generation} as it is (a {@link #write} inside it still raises it).
     */
    public <T> T writeLog(SqlWork<T> work) {
        return writeLog(work, true);
    }

    /**
     * Runs {@code work} as {@link #writeLog} does, but may return before its commit is on disk: for
     * records that must exist (every later read sees them, and they survive the process dying at any
     * point) but need not be synced before the caller goes on, such as a statement's audit entry as
     * it starts and as it ends. They reach the disk with the next synced commit (which syncs every
     * commit before it), or at most {@value #UNSYNCED_MAX_MILLIS} ms later; only a power failure or
     * an operating system crash within that time can lose them, and then with every commit after
     * them. Inside another {@link #read} or {@link #write} it joins that transaction (synced).
     */
    public <T> T writeLogUnsynced(SqlWork<T> work) {
        return writeLog(work, false);
    }

    /**
     * Runs {@code work} as {@link #writeLog} does (synced), on another thread, so that the caller
     * can go on while the disk syncs: the future completes once the write and every commit before it
     * are on disk, or fails as {@code writeLog} would have. A caller that must not go past some
     * point before the write is on disk waits for the future there.
     */
    public <T> CompletableFuture<T> writeLogInBackground(SqlWork<T> work) {
        requireNonNull(work, "work is null");
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("a background log write cannot join the caller's transaction");
        }
        return CompletableFuture.supplyAsync(() -> writeLog(work, true), LOG_WRITERS);
    }

    private <T> T writeLog(SqlWork<T> work, boolean synced) {
        requireNonNull(work, "work is null");
        if (lock.isHeldByCurrentThread()) {
            return transaction("BEGIN IMMEDIATE", work, false, true);
        }
        LogWrite<T> write = new LogWrite<>(work, synced);
        pendingLogs.add(write);
        // Group commit: whoever finds no flush running commits every pending log write in one
        // transaction (one fsync, one stored image; synced if any of them asks for it); the others
        // wait for it, and look again now and then, so that a write queued just as a flush ended is
        // never left waiting.
        while (!write.isDone()) {
            if (logFlushing.compareAndSet(false, true)) {
                try {
                    flushLogs();
                } finally {
                    logFlushing.set(false);
                }
            } else {
                write.awaitDone(LOG_WAIT_NANOS);
            }
        }
        return write.result(file);
    }

    /**
     * Commits the pending log writes, as many as are queued, each in a savepoint of one write
     * transaction: a write that fails is undone alone and fails its caller alone; a commit that
     * fails fails them all. Runs on the thread of one of the callers, holding the catalog's lock,
     * so a log write that calls {@link #read} or {@link #write} joins the transaction as it would
     * on its own thread.
     */
    private void flushLogs() {
        while (true) {
            List<LogWrite<?>> batch = new ArrayList<>();
            LogWrite<?> next;
            while (batch.size() < MAX_LOG_BATCH && (next = pendingLogs.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            logTransactions.incrementAndGet();
            boolean synced = false;
            for (LogWrite<?> write : batch) {
                synced |= write.synced;
            }
            try {
                transaction(
                        "BEGIN IMMEDIATE",
                        c -> {
                            for (LogWrite<?> write : batch) {
                                execute("SAVEPOINT log_write");
                                try {
                                    write.run(c);
                                    execute("RELEASE log_write");
                                } catch (SQLException | RuntimeException | Error e) {
                                    execute("ROLLBACK TO log_write");
                                    execute("RELEASE log_write");
                                    write.fail(e);
                                }
                            }
                            return null;
                        },
                        false,
                        synced);
            } catch (RuntimeException | Error e) {
                for (LogWrite<?> write : batch) {
                    write.fail(e);
                }
            }
            for (LogWrite<?> write : batch) {
                write.done();
            }
        }
    }

    /** How many transactions have committed grouped log writes so far; for tests. */
    long logTransactions() {
        return logTransactions.get();
    }

    /** How many syncs were made for unsynced commits that no synced commit covered; for tests. */
    long separateSyncs() {
        return separateSyncs.get();
    }

    /** One log write waiting for its group's commit. */
    private static final class LogWrite<T> {
        private final SqlWork<T> work;
        private final boolean synced;
        private T value;
        private Throwable failure;
        private boolean done;

        LogWrite(SqlWork<T> work, boolean synced) {
            this.work = work;
            this.synced = synced;
        }

        void run(Connection connection) throws SQLException {
            value = work.run(connection);
        }

        void fail(Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }

        synchronized void done() {
            done = true;
            notifyAll();
        }

        synchronized boolean isDone() {
            return done;
        }

        synchronized void awaitDone(long nanos) {
            long deadline = System.nanoTime() + nanos;
            boolean interrupted = false;
            long left;
            while (!done && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The work's result, or its failure thrown in the caller's thread. */
        synchronized T result(Path file) {
            if (failure == null) {
                return value;
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Catalog " + file + ": " + failure.getMessage(), failure);
        }
    }

    /**
     * How many write transactions (other than {@link #writeLog}s) have begun on this catalog:
     * unchanged between two reads means that nothing a statement is planned from changed in between
     * (tables, their versions, policies, grants, views, principals, settings). A plan cache keys on it.
     */
    public long generation() {
        return generation.get();
    }

    /** The object of {@code type} kept with this catalog, created by {@code create} the first time. */
    public <T> T attachment(Class<T> type, java.util.function.Supplier<T> create) {
        requireNonNull(type, "type is null");
        requireNonNull(create, "create is null");
        return type.cast(attachments.computeIfAbsent(type, t -> requireNonNull(create.get(), "attachment is null")));
    }

    /**
     * Whether the calling thread is inside a {@link #read} or {@link #write} of this catalog, so
     * that a new one would join it instead of committing by itself.
     */
    public boolean inTransaction() {
        return lock.isHeldByCurrentThread();
    }

    /**
     * Runs {@code work} in a transaction begun with {@code begin}; a write transaction that is not
     * {@code synced} commits without waiting for the disk (see {@link #writeLogUnsynced}).
     */
    private <T> T transaction(String begin, SqlWork<T> work, boolean changesPlans, boolean synced) {
        requireNonNull(work, "work is null");
        long asked = System.nanoTime();
        lock.lock();
        long got = System.nanoTime();
        try {
            if (closed) {
                throw new IllegalStateException("catalog " + file + " is closed");
            }
            if (imageLost) {
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR,
                        "Catalog " + file + " could not be stored after a write; reopen the warehouse");
            }
            if (changesPlans) {
                // Before the work and under the lock: a reader that sees the new count reads after the commit.
                generation.incrementAndGet();
            }
            if (lock.getHoldCount() > 1) {
                // Called from inside another read/write on this thread: join its transaction.
                return work.run(connection);
            }
            boolean writes = !begin.equals("BEGIN");
            if (writes && image == null) {
                commitSynced(synced);
            }
            execute(begin);
            long changesBefore = writes ? totalChanges() : 0;
            T result;
            try {
                result = work.run(connection);
                execute("COMMIT");
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            }
            boolean changed = writes && totalChanges() != changesBefore;
            if (image != null && changed) {
                storeImage(false, synced);
            }
            if (writes) {
                committed(changed, synced);
            }
            return result;
        } catch (SQLException e) {
            throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Catalog " + file + ": " + e.getMessage(), e);
        } finally {
            boolean outermost = lock.getHoldCount() == 1;
            lock.unlock();
            if (outermost) {
                noteSlow(begin, got - asked, System.nanoTime() - got);
            }
        }
    }

    private long totalChanges() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT total_changes()")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * In an encrypted warehouse, stores the catalog's image whole, so that nothing of earlier commits
     * stays on disk beside it (VACUUM and erasures call it); a plain catalog does nothing.
     */
    public void storeWholeImage() {
        if (image == null) {
            return;
        }
        lock.lock();
        try {
            if (closed || imageLost) {
                return;
            }
            storeImage(true);
        } finally {
            lock.unlock();
        }
    }

    /** Sets the connection's {@code synchronous} for the next commit. The caller holds the lock, outside a transaction. */
    private void commitSynced(boolean synced) throws SQLException {
        if (synced != syncFull) {
            execute(synced ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
            syncFull = synced;
        }
    }

    /**
     * Keeps track of commits not yet on disk after a write transaction committed: an unsynced one
     * that changed something is noted (and a background sync scheduled); a synced one covers them,
     * or, if it wrote nothing (and so synced nothing), they are synced now. The caller holds the lock.
     */
    private void committed(boolean changed, boolean synced) throws SQLException {
        if (!synced) {
            if (changed) {
                unsynced = true;
                if (!syncScheduled) {
                    syncScheduled = true;
                    SYNCER.schedule(this::backgroundSync, UNSYNCED_MAX_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            return;
        }
        if (unsynced && !changed) {
            syncNow();
        }
        unsynced = false;
    }

    /** Puts every commit on disk: a checkpoint of the write-ahead log (which syncs it first), or the image's sync. The caller holds the lock. */
    private void syncNow() throws SQLException {
        separateSyncs.incrementAndGet();
        if (image != null) {
            try {
                image.sync();
            } catch (RuntimeException e) {
                imageLost = true;
                throw e;
            }
        } else {
            execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        unsynced = false;
    }

    /** Syncs the commits that no synced commit covered within {@link #UNSYNCED_MAX_MILLIS}. */
    private void backgroundSync() {
        lock.lock();
        try {
            syncScheduled = false;
            if (closed || imageLost || !unsynced) {
                return;
            }
            syncNow();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Cannot sync catalog {}: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** Stores the image (whole, or as the image chooses); a failure marks it lost. The caller holds the lock. */
    private void storeImage(boolean whole) {
        storeImage(whole, true);
    }

    /** Stores the image, synced or not; a failure marks it lost. The caller holds the lock. */
    private void storeImage(boolean whole, boolean synced) {
        try {
            byte[] serialized =
                    connection.unwrap(org.sqlite.SQLiteConnection.class).serialize("main");
            if (whole) {
                image.storeWhole(serialized);
            } else if (synced) {
                image.store(serialized);
            } else {
                image.storeUnsynced(serialized);
            }
        } catch (SQLException | RuntimeException | Error e) {
            imageLost = true;
            if (e instanceof VeilException v) {
                throw v;
            }
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot store catalog " + file + ": " + e.getMessage(), e);
        }
    }

    /** Logs (for the server's operators) a transaction that waited for the catalog, or held it, unusually long. */
    private static void noteSlow(String begin, long waitedNanos, long heldNanos) {
        if (waitedNanos > SLOW_NANOS || heldNanos > SLOW_NANOS) {
            LOG.info(
                    "Slow catalog {} transaction: waited {} ms for the catalog, held it {} ms",
                    begin.equals("BEGIN") ? "read" : "write",
                    waitedNanos / 1_000_000,
                    heldNanos / 1_000_000);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private void rollback() throws SQLException {
        try {
            execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite already rolled back by itself (it does after some I/O errors): nothing to undo.
            if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                throw e;
            }
        }
    }

    private void migrate() {
        write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(CatalogMigrations.SCHEMA_VERSION_TABLE);
            }
            int current = schemaVersion(c);
            if (current > CatalogMigrations.latestVersion()) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Catalog " + file + " has schema version " + current
                                + ", newer than this Veil understands (" + CatalogMigrations.latestVersion()
                                + "); use a newer Veil");
            }
            for (CatalogMigrations.Migration m : CatalogMigrations.ALL) {
                if (m.version() <= current) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    for (String sql : m.statements()) {
                        s.execute(sql);
                    }
                }
                current = m.version();
            }
            try (Statement s = c.createStatement()) {
                s.execute("DELETE FROM schema_version");
                s.execute("INSERT INTO schema_version (version) VALUES (" + current + ")");
            }
            return null;
        });
    }

    private static int schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    // ---------------------------------------------------------------- schemas

    @Override
    public List<String> schemas() {
        return read(SqliteCatalog::schemaNames);
    }

    @Override
    public boolean schemaExists(String schema) {
        requireNonNull(schema, "schema is null");
        return read(c -> schemaExists(c, schema));
    }

    @Override
    public void createSchema(String schema, boolean ifNotExists, Optional<String> owner) {
        checkName(schema, "schema");
        requireNonNull(owner, "owner is null");
        write(c -> {
            if (schemaExists(c, schema)) {
                if (ifNotExists) {
                    return null;
                }
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "Schema '" + schema + "' already exists");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO schemas (name, created_at) VALUES (?, ?)")) {
                ps.setString(1, schema);
                ps.setLong(2, System.currentTimeMillis());
                ps.executeUpdate();
            }
            if (owner.isPresent()) {
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO schema_owners (schema_name, owner) VALUES (?, ?)")) {
                    ps.setString(1, schema);
                    ps.setString(2, owner.get());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public Optional<String> schemaOwner(String schema) {
        requireNonNull(schema, "schema is null");
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM schema_owners WHERE schema_name = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Map<String, String> tableOwners(String schema) {
        requireNonNull(schema, "schema is null");
        return read(c -> {
            Map<String, String> owners = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT t.name, o.owner FROM table_owners o JOIN tables t ON t.id = o.table_id WHERE t.schema_name = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return Map.copyOf(owners);
        });
    }

    @Override
    public Optional<String> tableOwner(TableName name) {
        requireNonNull(name, "name is null");
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT o.owner FROM table_owners o JOIN tables t"
                    + " ON t.id = o.table_id WHERE t.schema_name = ? AND t.name = ?")) {
                ps.setString(1, name.schema());
                ps.setString(2, name.table());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void dropSchema(String schema, boolean ifExists) {
        requireNonNull(schema, "schema is null");
        write(c -> {
            if (!schemaExists(c, schema)) {
                if (ifExists) {
                    return null;
                }
                throw unknownSchema(c, schema);
            }
            List<String> tables = tableNames(c, schema);
            if (!tables.isEmpty()) {
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "Schema '" + schema + "' is not empty: it holds "
                                + tables.size() + (tables.size() == 1 ? " table (" : " tables (")
                                + String.join(", ", tables)
                                + "); drop them first");
            }
            List<String> views = Views.names(c, schema);
            if (!views.isEmpty()) {
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "Schema '" + schema + "' is not empty: it holds "
                                + views.size() + (views.size() == 1 ? " view (" : " views (")
                                + String.join(", ", views)
                                + "); drop them first");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM schemas WHERE name = ?")) {
                ps.setString(1, schema);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static List<String> schemaNames(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM schemas ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schemas WHERE name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static VeilException unknownSchema(Connection c, String schema) throws SQLException {
        return new VeilException(
                ErrorCode.UNKNOWN_SCHEMA,
                "Schema '" + schema + "' not found" + NameSuggestions.hint(schema, schemaNames(c)));
    }

    // ---------------------------------------------------------------- tables

    @Override
    public List<TableDef> tables(String schema) {
        requireNonNull(schema, "schema is null");
        return read(c -> {
            if (!schemaExists(c, schema)) {
                throw unknownSchema(c, schema);
            }
            List<TableDef> tables = new ArrayList<>();
            for (String name : tableNames(c, schema)) {
                tables.add(loadTable(c, new TableName(schema, name)).orElseThrow());
            }
            return tables;
        });
    }

    @Override
    public Optional<TableDef> table(TableName name) {
        requireNonNull(name, "name is null");
        return read(c -> loadTable(c, name));
    }

    @Override
    public TableDef requireTable(TableName name) {
        requireNonNull(name, "name is null");
        return read(c -> {
            Optional<TableDef> table = loadTable(c, name);
            if (table.isEmpty()) {
                throw unknownTable(c, name);
            }
            return table.get();
        });
    }

    @Override
    public TableDef createTable(TableName name, List<Column> columns, boolean ifNotExists, Optional<String> owner) {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(columns, "columns is null");
        checkName(name.schema(), "schema");
        checkName(name.table(), "table");
        if (columns.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_STATEMENT, "Table '" + name + "' must have at least one column");
        }
        Set<String> seen = new HashSet<>();
        for (Column column : columns) {
            if (!seen.add(column.name())) {
                throw new VeilException(
                        ErrorCode.ALREADY_EXISTS,
                        "Column '" + column.name() + "' is defined more than once in table '" + name + "'");
            }
        }
        return write(c -> {
            if (!schemaExists(c, name.schema())) {
                throw unknownSchema(c, name.schema());
            }
            Optional<TableDef> existing = loadTable(c, name);
            if (existing.isPresent()) {
                if (ifNotExists) {
                    return existing.get();
                }
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "Table '" + name + "' already exists");
            }
            if (Views.names(c, name.schema()).contains(name.table())) {
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "A view named '" + name + "' already exists");
            }
            long now = System.currentTimeMillis();
            long id;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tables (schema_name, name, version, created_at) VALUES (?, ?, 0, ?)")) {
                ps.setString(1, name.schema());
                ps.setString(2, name.table());
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                id = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO columns (table_id, ordinal, name, type, nullable) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < columns.size(); i++) {
                    Column column = columns.get(i);
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, column.name());
                    ps.setString(4, column.type().sql());
                    ps.setInt(5, column.nullable() ? 1 : 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            insertVersionRow(c, id, 0, now, 0, 0);
            if (owner.isPresent()) {
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO table_owners (table_id, owner) VALUES (?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, owner.get());
                    ps.executeUpdate();
                }
            }
            return new TableDef(id, name, columns);
        });
    }

    @Override
    public void dropTable(TableName name, boolean ifExists) {
        requireNonNull(name, "name is null");
        write(c -> {
            Optional<TableDef> table = loadTable(c, name);
            if (table.isEmpty()) {
                if (ifExists) {
                    return null;
                }
                throw unknownTable(c, name);
            }
            // Cascades to columns, versions and segments; the segment files become garbage.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tables WHERE id = ?")) {
                ps.setLong(1, table.get().id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static List<String> tableNames(Connection c, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM tables WHERE schema_name = ? ORDER BY name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static Optional<TableDef> loadTable(Connection c, TableName name) throws SQLException {
        long id;
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM tables WHERE schema_name = ? AND name = ?")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getLong(1);
            }
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT name, type, nullable FROM columns WHERE table_id = ? ORDER BY ordinal")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), ColumnType.parse(rs.getString(2)), rs.getInt(3) != 0));
                }
            }
        }
        return Optional.of(new TableDef(id, name, columns));
    }

    private static VeilException unknownTable(Connection c, TableName name) throws SQLException {
        List<String> all = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT schema_name, name FROM tables")) {
            while (rs.next()) {
                all.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        return new VeilException(
                ErrorCode.UNKNOWN_TABLE, "Table '" + name + "' not found" + NameSuggestions.hint(name.toString(), all));
    }

    private static TableName tableName(Connection c, long tableId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT schema_name, name FROM tables WHERE id = ?")) {
            ps.setLong(1, tableId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(
                            ErrorCode.UNKNOWN_TABLE, "Table with id " + tableId + " not found; it was dropped");
                }
                return new TableName(rs.getString(1), rs.getString(2));
            }
        }
    }

    // ---------------------------------------------------------------- versions

    @Override
    public TableVersion currentVersion(long tableId) {
        return read(c -> currentVersion(c, tableId));
    }

    @Override
    public TableVersion commitVersion(long tableId, long baseVersion, List<SegmentInfo> segments) {
        requireNonNull(segments, "segments is null");
        return write(c -> {
            TableVersion current = currentVersion(c, tableId);
            if (current.version() != baseVersion) {
                throw new VeilException(
                        ErrorCode.WRITE_CONFLICT,
                        "Table '" + tableName(c, tableId)
                                + "' was changed by a concurrent statement (now at version " + current.version()
                                + ", this statement started from version " + baseVersion + "); retry the statement");
            }
            return commit(c, current, segments);
        });
    }

    @Override
    public TableVersion appendSegments(long tableId, List<SegmentInfo> added) {
        requireNonNull(added, "added is null");
        return write(c -> {
            TableVersion current = currentVersion(c, tableId);
            List<SegmentInfo> all = new ArrayList<>(current.segments());
            all.addAll(added);
            return commit(c, current, all);
        });
    }

    @Override
    public Set<String> referencedSegments() {
        return read(c -> {
            Set<String> paths = new HashSet<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT path FROM segments WHERE removed_in IS NULL")) {
                while (rs.next()) {
                    paths.add(rs.getString(1));
                }
            }
            return paths;
        });
    }

    /**
     * Every segment path that a version of a table that still exists once referenced and the
     * current version does not (replaced by a rewrite): its file is garbage once no running
     * statement reads it.
     */
    public Set<String> removedSegments() {
        return read(c -> {
            Set<String> paths = new HashSet<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT path FROM segments WHERE removed_in IS NOT NULL")) {
                while (rs.next()) {
                    paths.add(rs.getString(1));
                }
            }
            return paths;
        });
    }

    /**
     * The current version of every table, read in one transaction: a consistent snapshot (a
     * statement that reads several tables sees each one as of the same moment).
     */
    public Map<Long, TableVersion> currentVersions() {
        return read(c -> {
            Map<Long, Long> versions = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, version FROM tables")) {
                while (rs.next()) {
                    versions.put(rs.getLong(1), rs.getLong(2));
                }
            }
            Map<Long, List<SegmentInfo>> segments = new HashMap<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT table_id, path, row_count, size_bytes FROM segments"
                            + " WHERE removed_in IS NULL ORDER BY table_id, ordinal")) {
                while (rs.next()) {
                    segments.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                            .add(new SegmentInfo(rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            Map<Long, TableVersion> all = new HashMap<>();
            versions.forEach((id, version) ->
                    all.put(id, new TableVersion(id, version, segments.getOrDefault(id, List.of()))));
            return all;
        });
    }

    private static TableVersion currentVersion(Connection c, long tableId) throws SQLException {
        long version;
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM tables WHERE id = ?")) {
            ps.setLong(1, tableId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(
                            ErrorCode.UNKNOWN_TABLE, "Table with id " + tableId + " not found; it was dropped");
                }
                version = rs.getLong(1);
            }
        }
        List<SegmentInfo> segments = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT path, row_count, size_bytes FROM segments"
                + " WHERE table_id = ? AND removed_in IS NULL ORDER BY ordinal")) {
            ps.setLong(1, tableId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    segments.add(new SegmentInfo(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return new TableVersion(tableId, version, segments);
    }

    /** Writes version {@code current + 1} with exactly {@code segments}, in the caller's transaction. */
    private static TableVersion commit(Connection c, TableVersion current, List<SegmentInfo> segments)
            throws SQLException {
        long tableId = current.tableId();
        long next = current.version() + 1;
        Map<String, Integer> currentOrdinals = new HashMap<>();
        for (int i = 0; i < current.segments().size(); i++) {
            currentOrdinals.put(current.segments().get(i).path(), i);
        }
        Set<String> kept = new HashSet<>();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO segments"
                        + " (path, table_id, ordinal, row_count, size_bytes, added_in) VALUES (?, ?, ?, ?, ?, ?)");
                PreparedStatement reorder = c.prepareStatement("UPDATE segments SET ordinal = ? WHERE path = ?")) {
            for (int i = 0; i < segments.size(); i++) {
                SegmentInfo segment = segments.get(i);
                if (!kept.add(segment.path())) {
                    throw new IllegalArgumentException("segment " + segment.path() + " listed twice");
                }
                Integer ordinal = currentOrdinals.get(segment.path());
                if (ordinal == null) {
                    insert.setString(1, segment.path());
                    insert.setLong(2, tableId);
                    insert.setInt(3, i);
                    insert.setLong(4, segment.rowCount());
                    insert.setLong(5, segment.sizeBytes());
                    insert.setLong(6, next);
                    insert.executeUpdate();
                } else if (ordinal != i) {
                    reorder.setInt(1, i);
                    reorder.setString(2, segment.path());
                    reorder.executeUpdate();
                }
            }
        }
        try (PreparedStatement remove = c.prepareStatement("UPDATE segments SET removed_in = ? WHERE path = ?")) {
            for (SegmentInfo old : current.segments()) {
                if (!kept.contains(old.path())) {
                    remove.setLong(1, next);
                    remove.setString(2, old.path());
                    remove.executeUpdate();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE tables SET version = ? WHERE id = ? AND version = ?")) {
            ps.setLong(1, next);
            ps.setLong(2, tableId);
            ps.setLong(3, current.version());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("table " + tableId + " changed inside its own transaction");
            }
        }
        TableVersion version = new TableVersion(tableId, next, segments);
        insertVersionRow(c, tableId, next, System.currentTimeMillis(), version.rowCount(), segments.size());
        return version;
    }

    private static void insertVersionRow(Connection c, long tableId, long version, long at, long rows, int segments)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO table_versions"
                + " (table_id, version, committed_at, row_count, segment_count) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, tableId);
            ps.setLong(2, version);
            ps.setLong(3, at);
            ps.setLong(4, rows);
            ps.setInt(5, segments);
            ps.executeUpdate();
        }
    }

    private static void checkName(String name, String kind) {
        requireNonNull(name, kind + " is null");
        if (name.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A " + kind + " name must not be empty");
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (unsynced && !imageLost) {
                try {
                    syncNow();
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("Cannot sync catalog {} as it closes: {}", file, e.getMessage());
                }
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot close catalog " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }
}
