package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Catalog;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * An open warehouse directory: {@code veil.db} plus {@code data/<schema>/<table>/<segment>.arrow}.
 * Thread-safe; one instance per directory per process.
 *
 * <p>A warehouse is open in at most one process at a time: opening takes an exclusive lock on
 * {@code veil.lock} (held until {@link #close()}, released by the OS if the process dies), and a
 * second opener fails with WAREHOUSE_LOCKED. That is what makes it safe for {@link #open} to
 * delete every segment file the catalog does not reference: no other process can be writing one.
 * (Readers in other processes go through the server instead.)
 */
public final class Warehouse implements AutoCloseable {
    /** Rows per record batch. */
    public static final int DEFAULT_BATCH_ROWS = 64 * 1024;
    /** Record batches per segment file (so a segment holds up to 1M rows). */
    public static final int DEFAULT_BATCHES_PER_SEGMENT = 16;

    /** The catalog database file inside a warehouse directory. */
    public static final String CATALOG_FILE = SqliteCatalog.FILE_NAME;

    static final String DATA_DIRECTORY = "data";
    static final String LOCK_FILE = "veil.lock";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SqliteCatalog catalog;
    /** The encryption keys of an encrypted warehouse; null for a plain one. */
    private final WarehouseKeys keys;

    private final BufferAllocator allocator;
    /** The segment files scans read, mapped into memory (a plain warehouse's). */
    private final MappedSegments mappedSegments;

    private RemoteDatabases remotes;

    /**
     * Segment paths that an open writer created or an open scan reads, with a use count; garbage
     * collection leaves them alone. Guarded by itself; a writer's commit holds it too, so that
     * collection never sees a committed segment between "not in the catalog" and "not pinned".
     */
    private final Map<String, Integer> pinned = new HashMap<>();

    /**
     * Segments that a {@link SegmentRewrite} of this process removed from their table, with the
     * {@link System#nanoTime()} just after the commit: a statement that started before then may
     * still read them. Guarded by {@link #pinned}. Segments removed by an earlier process are not
     * here: no statement of this process can read them.
     */
    private final Map<String, Long> removedAt = new HashMap<>();

    /** Statistics of columns of table versions, which never change once committed. */
    private final Map<StatisticsKey, ColumnStatistics> statistics = new ConcurrentHashMap<>();

    private volatile int batchRows = DEFAULT_BATCH_ROWS;
    private volatile int batchesPerSegment = DEFAULT_BATCHES_PER_SEGMENT;
    private boolean closed;

    private Warehouse(Path root, FileChannel lockChannel, FileLock lock, SqliteCatalog catalog, WarehouseKeys keys) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.catalog = catalog;
        this.keys = keys;
        this.allocator = new RootAllocator();
        this.mappedSegments = new MappedSegments(allocator);
    }

    /** Creates a new warehouse in {@code dir} (created if absent; must not already hold one). */
    public static Warehouse create(Path dir) {
        return create(dir, null);
    }

    /**
     * Creates a new warehouse in {@code dir}, encrypted under {@code masterKey} if it is not null
     * (every segment file and the catalog; see docs/storage.md), plain otherwise.
     */
    public static Warehouse create(Path dir, MasterKey masterKey) {
        requireNonNull(dir, "dir is null");
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root.resolve(SqliteCatalog.FILE_NAME))) {
            throw new VeilException(ErrorCode.ALREADY_EXISTS, "A warehouse already exists in '" + root + "'");
        }
        try {
            Files.createDirectories(root.resolve(DATA_DIRECTORY));
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot create warehouse directory '" + root + "': " + e.getMessage(),
                    e);
        }
        if (masterKey != null && Keyring.exists(root)) {
            throw new VeilException(ErrorCode.ALREADY_EXISTS, "A key ring already exists in '" + root + "'");
        }
        Warehouse warehouse = openLocked(root, masterKey, true);
        try {
            SegmentFiles.forceDirectory(root);
        } catch (IOException e) {
            warehouse.close();
            throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot sync '" + root + "': " + e.getMessage(), e);
        }
        return warehouse;
    }

    /**
     * Opens an existing warehouse; WAREHOUSE_NOT_FOUND if {@code dir} holds none, WAREHOUSE_LOCKED
     * if another process has it open. Deletes segment files left by loads that never committed. An
     * encrypted warehouse opens with the key {@link WarehouseKeys#register registered} for it in this
     * process, else the one named by {@code VEIL_KEY_FILE} or {@code VEIL_KEY_COMMAND}.
     */
    public static Warehouse open(Path dir) {
        requireNonNull(dir, "dir is null");
        return open(dir, WarehouseKeys.lookup(dir));
    }

    /**
     * Opens an existing warehouse as {@link #open(Path)} does, with {@code masterKey} for an
     * encrypted one. An encrypted warehouse without a key is ENCRYPTION_KEY_REQUIRED, with a key
     * that does not open it ENCRYPTION_KEY_WRONG; a key given for a plain warehouse is
     * ENCRYPTION_KEY_INVALID, unless it came from the environment ({@link WarehouseKeys#fromEnvironment()}).
     */
    public static Warehouse open(Path dir, WarehouseKeys.Source masterKey) {
        requireNonNull(dir, "dir is null");
        requireNonNull(masterKey, "masterKey is null");
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve(SqliteCatalog.FILE_NAME))) {
            throw new VeilException(
                    ErrorCode.WAREHOUSE_NOT_FOUND,
                    "No warehouse in '" + root + "' (no " + SqliteCatalog.FILE_NAME
                            + "); create one with: veil init --warehouse " + dir);
        }
        MasterKey key = null;
        if (WarehouseKeys.isEncrypted(root)) {
            key = masterKey
                    .key()
                    .orElseThrow(() -> new VeilException(
                            ErrorCode.ENCRYPTION_KEY_REQUIRED,
                            "Warehouse '" + root + "' is encrypted: give its master key with --key-file FILE, "
                                    + MasterKey.KEY_FILE_VARIABLE + " or " + MasterKey.KEY_COMMAND_VARIABLE));
        } else if (masterKey.explicit() && masterKey.key().isPresent()) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID,
                    "Warehouse '" + root + "' is not encrypted, yet a key was given; leave out --key-file");
        }
        Warehouse warehouse = openLocked(root, key, false);
        try {
            warehouse.collectGarbage();
        } catch (RuntimeException e) {
            warehouse.close();
            throw e;
        }
        return warehouse;
    }

    private static Warehouse openLocked(Path root, MasterKey masterKey, boolean create) {
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    root.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot open lock file in '" + root + "': " + e.getMessage(), e);
        }
        FileLock lock = null;
        try {
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                throw new VeilException(
                        ErrorCode.WAREHOUSE_LOCKED,
                        "Warehouse '" + root + "' is in use by " + lockHolder(channel)
                                + "; stop it first, or connect to its server");
            }
            byte[] holder = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder), 0);
            Path catalogFile = root.resolve(SqliteCatalog.FILE_NAME);
            if (masterKey == null) {
                return new Warehouse(root, channel, lock, SqliteCatalog.open(catalogFile), null);
            }
            WarehouseKeys keys = create ? WarehouseKeys.create(root, masterKey) : WarehouseKeys.open(root, masterKey);
            SqliteCatalog catalog = SqliteCatalog.open(catalogFile, keys.catalogImage(catalogFile));
            return new Warehouse(root, channel, lock, catalog, keys);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close(); // releases the lock too
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            if (e instanceof IOException io) {
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR, "Cannot lock warehouse '" + root + "': " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static String lockHolder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
            return text.startsWith("pid ") ? "process " + text.substring(4) : "another process";
        } catch (IOException e) {
            return "another process";
        }
    }

    public Path root() {
        return root;
    }

    /** Whether the warehouse is encrypted (segments and catalog). */
    public boolean encrypted() {
        return keys != null;
    }

    /** The keys of an encrypted warehouse (null for a plain one), for the segment readers and writers. */
    /** The segment files mapped into memory for scans. */
    MappedSegments mappedSegments() {
        return mappedSegments;
    }

    WarehouseKeys keys() {
        return keys;
    }

    /**
     * Re-wraps the data keys under {@code newMasterKey} (the data stays as it is); from the moment
     * this returns only the new key opens the warehouse, and before the key ring's rename only the
     * old one does. Call with no statement running.
     */
    public void rekey(MasterKey newMasterKey) {
        requireNonNull(newMasterKey, "newMasterKey is null");
        checkOpen();
        requireEncrypted();
        keys.rewrap(newMasterKey);
    }

    /**
     * Rewrites every segment file and the catalog under a fresh data key, then drops the old data
     * keys from the key ring. A crash part way leaves a warehouse that opens with the same master
     * key (the key ring holds old and new data keys until the end); running it again completes it.
     * Call with no statement running (the {@code veil rekey} command holds the warehouse alone).
     *
     * @return how many segment files were rewritten
     */
    public int rekeyData() {
        checkOpen();
        requireEncrypted();
        synchronized (pinned) {
            return keys.rewriteData(root.resolve(DATA_DIRECTORY), catalog);
        }
    }

    private void requireEncrypted() {
        if (keys == null) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID,
                    "Warehouse '" + root + "' is not encrypted; create an encrypted one with veil init --encrypt");
        }
    }

    public Catalog catalog() {
        return catalog;
    }

    /** The catalog as its SQLite implementation, for stores that keep their own tables in {@code veil.db}. */
    public SqliteCatalog sqliteCatalog() {
        return catalog;
    }

    /** The warehouse's root Arrow allocator; readers and writers take child allocators from it. */
    public BufferAllocator allocator() {
        return allocator;
    }

    /**
     * Sets how new segments are cut: rows per record batch and batches per segment file (defaults
     * {@value #DEFAULT_BATCH_ROWS} and {@value #DEFAULT_BATCHES_PER_SEGMENT}). Affects writers
     * created afterwards; meant for tests that need many batches from little data.
     */
    public void setSegmentLayout(int batchRows, int batchesPerSegment) {
        if (batchRows < 1 || batchesPerSegment < 1) {
            throw new IllegalArgumentException("batch rows and batches per segment must be positive");
        }
        this.batchRows = batchRows;
        this.batchesPerSegment = batchesPerSegment;
    }

    /** A writer that appends rows to {@code table} as a new version on commit. */
    public TableWriter newWriter(TableDef table) {
        return newArrowWriter(table);
    }

    ArrowTableWriter newArrowWriter(TableDef table) {
        requireNonNull(table, "table is null");
        checkOpen();
        return new ArrowTableWriter(this, table, batchRows, batchesPerSegment);
    }

    /**
     * Streams the record batches of {@code version}, loading the given column positions
     * (of the table definition) only, one batch in memory at a time.
     */
    public BatchScan scan(TableDef table, TableVersion version, int[] columns) {
        requireNonNull(table, "table is null");
        requireNonNull(version, "version is null");
        requireNonNull(columns, "columns is null");
        checkOpen();
        if (version.tableId() != table.id()) {
            throw new IllegalArgumentException("version of table " + version.tableId() + " is not of " + table.name());
        }
        return new ArrowSegmentScan(this, table, version, columns);
    }

    /**
     * Statistics of some columns of {@code version} taken together (one column, or a composite
     * key), for the planner's estimates. Computed on first request by merging the statistics of
     * the version's segments, each read once (tens of milliseconds per million rows) and kept
     * while they fit in {@link #MAX_SEGMENT_STATISTICS_BYTES}: a version that appends segments to
     * another reads only the new ones. Segments and versions never change, so neither cache needs
     * invalidation.
     */
    public ColumnStatistics columnStatistics(TableDef table, TableVersion version, int... columns) {
        return columnStatistics(table, version, () -> false, columns);
    }

    /**
     * As {@link #columnStatistics(TableDef, TableVersion, int...)}, for a statement that may be
     * cancelled meanwhile: QUERY_CANCELLED once {@code cancelled} holds, checked before each
     * segment is read (the segments read so far stay cached).
     */
    public ColumnStatistics columnStatistics(
            TableDef table, TableVersion version, BooleanSupplier cancelled, int... columns) {
        requireNonNull(table, "table is null");
        requireNonNull(version, "version is null");
        requireNonNull(cancelled, "cancelled is null");
        if (columns.length == 0) {
            throw new IllegalArgumentException("no columns");
        }
        List<Integer> key = new ArrayList<>(columns.length);
        List<dev.veil.catalog.ColumnType> types = new ArrayList<>(columns.length);
        for (int column : columns) {
            if (column < 0 || column >= table.columns().size()) {
                throw new IllegalArgumentException("column " + column + " out of range for table " + table.name());
            }
            key.add(column);
            types.add(table.columns().get(column).type());
        }
        StatisticsKey cacheKey = new StatisticsKey(table.id(), version.version(), List.copyOf(key));
        ColumnStatistics cached = statistics.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        List<SegmentStatistics> parts = new ArrayList<>(version.segments().size());
        for (SegmentInfo segment : version.segments()) {
            SegmentStatisticsKey segmentKey = new SegmentStatisticsKey(table.id(), segment.path(), cacheKey.columns());
            SegmentStatistics part = segmentStatistics.get(segmentKey);
            if (part == null) {
                if (cancelled.getAsBoolean()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                TableVersion one = new TableVersion(version.tableId(), version.version(), List.of(segment));
                try (BatchScan scan = scan(table, one, columns)) {
                    part = ColumnStatistics.collectSegment(scan, types);
                }
                segmentStatisticsReads.incrementAndGet();
                segmentStatistics.put(segmentKey, part);
            }
            parts.add(part);
        }
        ColumnStatistics computed = ColumnStatistics.merge(parts);
        if (statistics.size() >= MAX_CACHED_STATISTICS) {
            statistics.clear(); // rare (many versions of many tables): recomputing is cheap enough
        }
        statistics.put(cacheKey, computed);
        return computed;
    }

    private static final int MAX_CACHED_STATISTICS = 100_000;

    private record StatisticsKey(long tableId, long version, List<Integer> columns) {}

    /** Bytes the statistics of single segments may take in memory (about 4,000 large segments' worth). */
    static final long MAX_SEGMENT_STATISTICS_BYTES = 64L << 20;

    private record SegmentStatisticsKey(long tableId, String path, List<Integer> columns) {}

    private final SegmentStatisticsCache<SegmentStatisticsKey> segmentStatistics =
            new SegmentStatisticsCache<>(MAX_SEGMENT_STATISTICS_BYTES);

    private final AtomicLong segmentStatisticsReads = new AtomicLong();

    /** How many times a segment was read for statistics (for tests). */
    long segmentStatisticsReads() {
        return segmentStatisticsReads.get();
    }

    /**
     * Deletes segment files no current table version references and no open writer or scan uses,
     * stray temporary files, and directories left empty; keeps every segment that a rewrite of
     * this process removed (a running statement may still read it: {@link #collectGarbage(long)}
     * knows which). Runs on {@link #open}; call it after dropping tables to reclaim their space.
     *
     * @return how many files were deleted
     */
    public int collectGarbage() {
        return collectGarbage(Long.MIN_VALUE).deleted();
    }

    /** What a garbage collection did: files deleted, and removed segments kept for running statements. */
    public record Collected(int deleted, int keptForRunningStatements) {}

    /**
     * Collects garbage as {@link #collectGarbage()} does, and also deletes the files of segments
     * that a rewrite of this process removed before {@code oldestStatementNanos} (the
     * {@link System#nanoTime()} at which the oldest statement still running started, other than
     * the caller's; {@link Long#MAX_VALUE} when none runs): no statement can read them any more,
     * since every statement takes its table versions after it starts. Files of removed segments
     * are overwritten with zeros and forced to disk before they are deleted (what that is worth
     * depends on the file system and device: see docs/storage.md).
     */
    public Collected collectGarbage(long oldestStatementNanos) {
        checkOpen();
        Path data = root.resolve(DATA_DIRECTORY);
        if (!Files.isDirectory(data)) {
            return new Collected(0, 0);
        }
        synchronized (pinned) {
            Set<String> referenced = catalog.referencedSegments();
            Set<String> removed = catalog.removedSegments();
            List<Path> garbage = new ArrayList<>();
            int[] kept = {0};
            try (Stream<Path> files = Files.walk(data)) {
                files.filter(Files::isRegularFile).forEach(file -> {
                    String name = file.getFileName().toString();
                    String relative = relativePath(file);
                    boolean ours = name.endsWith(SegmentFiles.EXTENSION) || name.endsWith(SegmentFiles.TEMP_EXTENSION);
                    if (!ours || referenced.contains(relative) || pinned.containsKey(relative)) {
                        return;
                    }
                    Long at = removedAt.get(relative);
                    if (at != null && at >= oldestStatementNanos) {
                        kept[0]++;
                        return;
                    }
                    garbage.add(file);
                });
                for (Path file : garbage) {
                    String relative = relativePath(file);
                    if (removed.contains(relative)) {
                        SegmentFiles.overwriteWithZeros(file);
                    }
                    if (keys != null) {
                        keys.forget(relative);
                    }
                    mappedSegments.forget(relative);
                    Files.deleteIfExists(file);
                    removedAt.remove(relative);
                }
                deleteEmptyDirectories(data);
                SegmentFiles.forceDirectory(data);
            } catch (IOException | UncheckedIOException e) {
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR, "Cannot collect garbage in '" + data + "': " + e.getMessage(), e);
            }
            removedAt.keySet().removeIf(path -> !Files.exists(root.resolve(path)));
            return new Collected(garbage.size(), kept[0]);
        }
    }

    /**
     * The nanoTime at which the most recent rewrite still holding removed files committed, or
     * {@link Long#MIN_VALUE} if none: a statement that started after it reads none of them.
     */
    public long lastRemovalNanos() {
        synchronized (pinned) {
            return removedAt.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
        }
    }

    /**
     * Drops a table (UNKNOWN_TABLE unless {@code ifExists}) and notes its segments as removed now,
     * atomically with respect to garbage collection: a statement that started before the drop may
     * still read them, so {@link #collectGarbage(long)} keeps them until it ends.
     */
    public void dropTable(TableName name, boolean ifExists) {
        checkOpen();
        synchronized (pinned) {
            Optional<TableDef> table = catalog.table(name);
            List<SegmentInfo> segments =
                    table.map(t -> catalog.currentVersion(t.id()).segments()).orElse(List.of());
            catalog.dropTable(name, ifExists);
            long now = System.nanoTime();
            for (SegmentInfo segment : segments) {
                removedAt.put(segment.path(), now);
            }
        }
    }

    /** A rewrite of some tables' rows, committed together (see {@link SegmentRewrite}). */
    public SegmentRewrite newRewrite() {
        checkOpen();
        return new SegmentRewrite(this);
    }

    /**
     * Runs a rewrite's catalog transaction and notes which of {@code baseSegments} it removed,
     * atomically with respect to garbage collection; then releases the rewrite's files.
     */
    <T extends Map<Long, TableVersion>> T commitRewrite(
            SqliteCatalog.SqlWork<T> work, List<SegmentInfo> baseSegments, Collection<String> created) {
        synchronized (pinned) {
            try {
                T versions = catalog.write(work);
                Set<String> still = new java.util.HashSet<>();
                for (TableVersion version : versions.values()) {
                    for (SegmentInfo segment : version.segments()) {
                        still.add(segment.path());
                    }
                }
                long now = System.nanoTime();
                for (SegmentInfo segment : baseSegments) {
                    if (!still.contains(segment.path())) {
                        removedAt.put(segment.path(), now);
                    }
                }
                return versions;
            } finally {
                unpin(created);
            }
        }
    }

    private void deleteEmptyDirectories(Path data) throws IOException {
        List<Path> directories = new ArrayList<>();
        try (Stream<Path> all = Files.walk(data)) {
            all.filter(Files::isDirectory).filter(d -> !d.equals(data)).forEach(directories::add);
        }
        // Deepest first, so a schema directory empties before it is looked at.
        directories.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path directory : directories) {
            boolean empty;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                empty = !entries.iterator().hasNext();
            }
            if (empty && !isPinnedDirectory(directory)) {
                Files.deleteIfExists(directory);
            }
        }
    }

    /** Whether an open writer may be about to create a file in {@code directory}. */
    private boolean isPinnedDirectory(Path directory) {
        String prefix = relativePath(directory) + "/";
        return pinned.keySet().stream().anyMatch(p -> p.startsWith(prefix));
    }

    private String relativePath(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** Commits a writer's segments and releases them from its pins, atomically with respect to garbage collection. */
    TableVersion commitAppend(long tableId, List<SegmentInfo> segments, Collection<String> created) {
        synchronized (pinned) {
            try {
                return catalog.appendSegments(tableId, segments);
            } finally {
                unpin(created);
            }
        }
    }

    /** Deletes a writer's uncommitted files and releases them. */
    void discard(Collection<String> created) {
        try {
            for (String path : created) {
                Files.deleteIfExists(root.resolve(path));
            }
        } catch (IOException e) {
            // What is left is garbage that the next open() removes; the load has failed anyway.
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot delete uncommitted segments: " + e.getMessage(), e);
        } finally {
            unpin(created);
        }
    }

    void pin(String path) {
        synchronized (pinned) {
            pinned.merge(path, 1, Integer::sum);
        }
    }

    void pinAll(List<SegmentInfo> segments) {
        synchronized (pinned) {
            for (SegmentInfo segment : segments) {
                pinned.merge(segment.path(), 1, Integer::sum);
            }
        }
    }

    void unpinAll(List<SegmentInfo> segments) {
        synchronized (pinned) {
            for (SegmentInfo segment : segments) {
                pinned.computeIfPresent(segment.path(), (p, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private void unpin(Collection<String> paths) {
        synchronized (pinned) {
            for (String path : paths) {
                pinned.computeIfPresent(path, (p, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private synchronized void checkOpen() {
        if (closed) {
            throw new IllegalStateException("warehouse " + root + " is closed");
        }
    }

    /** The remote databases of the warehouse's connections (foreign tables), with their connection pools. */
    public synchronized RemoteDatabases remotes() {
        checkOpen();
        if (remotes == null) {
            remotes = new RemoteDatabases(new ForeignTables(catalog));
        }
        return remotes;
    }

    /**
     * Closes the catalog, the allocator and the lock. Fails (after releasing everything it can) if
     * Arrow memory is still allocated: a writer or scan was left open.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (remotes != null) {
            remotes.close();
        }
        if (keys != null) {
            keys.close();
        }
        try {
            catalog.close();
        } finally {
            try {
                try {
                    mappedSegments.close();
                } finally {
                    allocator.close();
                }
            } finally {
                try {
                    lock.release();
                    lockChannel.close();
                } catch (IOException e) {
                    throw new VeilException(
                            ErrorCode.STORAGE_IO_ERROR, "Cannot release lock of '" + root + "': " + e.getMessage(), e);
                }
            }
        }
    }
}
