package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * New versions of several tables, with some rows deleted or changed, committed together or not
 * at all. {@link #rewrite} reads each segment of a table's base version; a segment in which the
 * edit changes no row is kept as it is (the new version lists the same file), any other is
 * written anew, without the deleted rows and with the changed ones, into new fsynced files.
 * Nothing is visible until {@link #commit}, which swaps every table's segment list in one catalog
 * transaction (failing with WRITE_CONFLICT, and changing nothing, if any table moved past its
 * base version meanwhile). Closing an uncommitted rewrite deletes its files.
 *
 * <p>Crash safety is that of a load: before the commit the new files are orphans that the next
 * open deletes; after it the old files are garbage that {@link Warehouse#collectGarbage(long)}
 * (VACUUM) deletes once no running statement can still read them. A statement that took its
 * table versions before the commit keeps reading the old files, which stay on disk until then.
 */
public final class SegmentRewrite implements AutoCloseable {
    /** What one table's rewrite changed. */
    public record Outcome(long rowsDeleted, long rowsChanged) {}

    private record Staged(TableDef table, TableVersion base, List<SegmentInfo> segments) {}

    private final Warehouse warehouse;
    private final Map<Long, Staged> staged = new LinkedHashMap<>();
    /** Files the rewrite created, pinned until it commits or discards them. */
    private final List<String> created = new ArrayList<>();

    private boolean committed;
    private boolean closed;

    SegmentRewrite(Warehouse warehouse) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
    }

    /**
     * Stages the new version of {@code table}: {@code base}'s rows after {@code edit}. A table
     * may be staged once; one whose rows the edit leaves alone is not staged at all.
     */
    public Outcome rewrite(TableDef table, TableVersion base, RowEdit edit) {
        requireNonNull(table, "table is null");
        requireNonNull(base, "base is null");
        requireNonNull(edit, "edit is null");
        checkOpen();
        if (staged.containsKey(table.id())) {
            throw new IllegalStateException("table " + table.name() + " is staged already");
        }
        int[] all = new int[table.columns().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        List<SegmentInfo> segments = new ArrayList<>();
        long deleted = 0;
        long changed = 0;
        for (SegmentInfo segment : base.segments()) {
            TableVersion one = new TableVersion(table.id(), base.version(), List.of(segment));
            long[] counts = count(table, one, all, edit);
            if (counts[0] == 0 && counts[1] == 0) {
                segments.add(segment);
                continue;
            }
            deleted += counts[0];
            changed += counts[1];
            try (ArrowTableWriter writer = warehouse.newArrowWriter(table)) {
                try (BatchScan scan = warehouse.scan(table, one, all)) {
                    for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
                        for (int r = 0; r < batch.getRowCount(); r++) {
                            Object[] after = edit.apply(row(batch, r));
                            if (after != null) {
                                writer.append(after);
                            }
                        }
                    }
                }
                segments.addAll(writer.stage(created));
            }
        }
        if (deleted > 0 || changed > 0) {
            staged.put(table.id(), new Staged(table, base, segments));
        }
        return new Outcome(deleted, changed);
    }

    /** Deleted and changed rows of one segment, without writing anything. */
    private long[] count(TableDef table, TableVersion one, int[] all, RowEdit edit) {
        long deleted = 0;
        long changed = 0;
        try (BatchScan scan = warehouse.scan(table, one, all)) {
            for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
                for (int r = 0; r < batch.getRowCount(); r++) {
                    Object[] before = row(batch, r);
                    Object[] after = edit.apply(before);
                    if (after == null) {
                        deleted++;
                    } else if (after != before) {
                        changed++;
                    }
                }
            }
        }
        return new long[] {deleted, changed};
    }

    private static Object[] row(VectorSchemaRoot batch, int index) {
        List<FieldVector> vectors = batch.getFieldVectors();
        Object[] row = new Object[vectors.size()];
        for (int c = 0; c < row.length; c++) {
            row[c] = ArrowValues.get(vectors.get(c), index);
        }
        return row;
    }

    /** Whether any table is staged. */
    public boolean isEmpty() {
        return staged.isEmpty();
    }

    /**
     * Commits every staged table's new version, and {@code alsoInTransaction} (e.g. a log row),
     * in one catalog transaction; returns the new versions by table id.
     */
    public Map<Long, TableVersion> commit(SqliteCatalog.SqlWork<?> alsoInTransaction) {
        requireNonNull(alsoInTransaction, "alsoInTransaction is null");
        checkOpen();
        Map<Long, TableVersion> versions = warehouse.commitRewrite(
                c -> {
                    Map<Long, TableVersion> result = new LinkedHashMap<>();
                    for (Staged s : staged.values()) {
                        result.put(
                                s.table().id(),
                                warehouse
                                        .catalog()
                                        .commitVersion(s.table().id(), s.base().version(), s.segments()));
                    }
                    alsoInTransaction.run(c);
                    return result;
                },
                staged.values().stream()
                        .flatMap(s -> s.base().segments().stream())
                        .toList(),
                created);
        committed = true;
        return versions;
    }

    private void checkOpen() {
        if (closed || committed) {
            throw new IllegalStateException("rewrite is " + (closed ? "closed" : "committed"));
        }
    }

    /** Deletes the files of an uncommitted rewrite. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed) {
            warehouse.discard(created);
        }
    }
}
