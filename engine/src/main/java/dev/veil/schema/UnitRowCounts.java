package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.VeilException;
import dev.veil.catalog.ForeignTableDef;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.UnitPath;
import dev.veil.storage.ArrowValues;
import dev.veil.storage.BatchScan;
import dev.veil.storage.RemoteDatabase;
import dev.veil.storage.Warehouse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * How many rows each privacy unit has in a table, as stored now, found along the table's stored
 * {@code PRIVACY UNIT} path (a row whose unit cannot be followed counts for none), each table read
 * once per instance; the last few answers are kept, keyed by the versions of every table along the
 * path, so that reading {@code veil.audit} again does not scan unchanged tables again. For the
 * admin-only transparency views; never used to answer an analyst.
 *
 * <p>A foreign table's rows are counted by its remote database: one statement that follows the
 * path as far as it stays on the table's connection and returns the rows per value reached (one
 * row per unit, not the table's rows); the rest of the path is followed here as for a stored table.
 */
public final class UnitRowCounts {
    private static final int KEPT = 16;
    private static final Map<String, Map<Object, Long>> RECENT =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(KEPT, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Map<Object, Long>> eldest) {
                    return size() > KEPT;
                }
            });

    private final Warehouse warehouse;
    private final SqlitePolicyStore policies;
    private final Map<TableName, Optional<Map<Object, Long>>> counts = new HashMap<>();
    private final Map<String, Map<Object, Object>> lookups = new HashMap<>();

    public UnitRowCounts(Warehouse warehouse) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.policies = new SqlitePolicyStore(warehouse.sqliteCatalog());
    }

    /** The table's stored unit path, if it has one. */
    public Optional<UnitPath> path(TableName table) {
        return policies.unitPath(table);
    }

    /**
     * The rows per unit (unit keys: see {@link ConsentRecords#key}) of {@code table}; empty if it
     * is not a local table with a privacy unit.
     */
    public synchronized Optional<Map<Object, Long>> of(TableName table) {
        Optional<Map<Object, Long>> known = counts.get(table);
        if (known == null) {
            known = compute(table);
            counts.put(table, known);
        }
        return known;
    }

    private Optional<Map<Object, Long>> compute(TableName table) {
        Optional<UnitPath> path = path(table);
        Optional<TableDef> def = warehouse.catalog().table(table);
        if (path.isEmpty() || def.isEmpty()) {
            return Optional.empty();
        }
        UnitPath p = path.get();
        StringBuilder key = new StringBuilder(warehouse.root().toString())
                .append('|')
                .append(table)
                .append('#')
                .append(def.get().id())
                .append('@')
                .append(warehouse.catalog().currentVersion(def.get().id()).version())
                .append('|')
                .append(p);
        for (UnitPath.Hop hop : p.hops()) {
            Optional<TableDef> parent = warehouse.catalog().table(hop.toTable());
            if (parent.isEmpty()) {
                return Optional.empty();
            }
            key.append('|')
                    .append(hop.toTable())
                    .append('#')
                    .append(parent.get().id())
                    .append('@')
                    .append(warehouse
                            .catalog()
                            .currentVersion(parent.get().id())
                            .version());
        }
        Map<Object, Long> recent = RECENT.get(key.toString());
        if (recent != null) {
            return Optional.of(recent);
        }
        Optional<Map<Object, Long>> computed = compute(def.get(), p);
        computed.ifPresent(m -> RECENT.put(key.toString(), java.util.Collections.unmodifiableMap(m)));
        return computed;
    }

    private Optional<Map<Object, Long>> compute(TableDef def, UnitPath p) {
        String tie = p.isDirect() ? p.unitColumn() : p.hops().get(0).fkColumn();
        int column = def.columnIndex(tie);
        if (column < 0) {
            return Optional.empty();
        }
        Map<Long, ForeignTableDef> foreign = new ForeignTables(warehouse.sqliteCatalog()).all();
        Map<Object, Long> ties = new HashMap<>();
        int followed = 0;
        if (foreign.containsKey(def.id())) {
            OptionalInt remote = remoteTies(foreign.get(def.id()), tie, p, foreign, ties);
            if (remote.isEmpty()) {
                return Optional.empty();
            }
            followed = remote.getAsInt();
        } else if (!scan(def, new int[] {column}, row -> {
            if (row[0] != null) {
                ties.merge(ConsentRecords.key(row[0]), 1L, Long::sum);
            }
        })) {
            return Optional.empty();
        }
        Map<Object, Long> current = ties;
        for (int i = followed; i < p.hops().size(); i++) {
            UnitPath.Hop hop = p.hops().get(i);
            String next = i + 1 < p.hops().size() ? p.hops().get(i + 1).fkColumn() : p.unitColumn();
            if (hop.keyColumn().equals(next)) {
                continue;
            }
            Map<Object, Object> lookup = lookup(hop.toTable(), hop.keyColumn(), next);
            if (lookup == null) {
                return Optional.empty();
            }
            Map<Object, Long> mapped = new HashMap<>();
            current.forEach((key, rows) -> {
                Object parent = lookup.get(key);
                if (parent != null) {
                    mapped.merge(parent, rows, Long::sum);
                }
            });
            current = mapped;
        }
        return Optional.of(current);
    }

    /**
     * The rows of foreign table {@code home} per value reached from its column {@code tie} along
     * the first hops of {@code p} whose tables are foreign tables of the same connection, counted
     * by the remote in one statement (each hop a join with the parent grouped by its key, {@code
     * MIN} of the next column, as the pushed unit lookup takes it), into {@code ties}; the number of
     * hops followed, or empty when the remote cannot answer. Only the distinct values come back,
     * never the table's rows.
     */
    private OptionalInt remoteTies(
            ForeignTableDef home, String tie, UnitPath p, Map<Long, ForeignTableDef> foreign, Map<Object, Long> ties) {
        RemoteDatabase remote;
        try {
            remote = warehouse.remotes().get(home.connection());
        } catch (VeilException e) {
            return OptionalInt.empty();
        }
        StringBuilder from =
                new StringBuilder(remote.quotedName(home.remoteSchema(), home.remoteTable())).append(" AS \"t0\"");
        String current = "\"t0\"." + RemoteDatabase.quoted(tie);
        int followed = 0;
        for (; followed < p.hops().size(); followed++) {
            UnitPath.Hop hop = p.hops().get(followed);
            String next =
                    followed + 1 < p.hops().size() ? p.hops().get(followed + 1).fkColumn() : p.unitColumn();
            if (hop.keyColumn().equals(next)) {
                continue;
            }
            Optional<TableDef> parent = warehouse.catalog().table(hop.toTable());
            ForeignTableDef there = parent.map(d -> foreign.get(d.id())).orElse(null);
            if (there == null || !there.connection().equals(home.connection())) {
                break;
            }
            String alias = "\"t" + (followed + 1) + "\"";
            String key = RemoteDatabase.quoted(hop.keyColumn());
            String value = RemoteDatabase.quoted(next);
            from.append(" JOIN (SELECT ")
                    .append(key)
                    .append(" AS \"veil_key\", MIN(")
                    .append(value)
                    .append(") AS \"veil_next\" FROM ")
                    .append(remote.quotedName(there.remoteSchema(), there.remoteTable()))
                    .append(" WHERE ")
                    .append(key)
                    .append(" IS NOT NULL GROUP BY ")
                    .append(key)
                    .append(") AS ")
                    .append(alias)
                    .append(" ON ")
                    .append(current)
                    .append(" = ")
                    .append(alias)
                    .append(".\"veil_key\"");
            current = alias + ".\"veil_next\"";
        }
        String sql = "SELECT " + current + ", COUNT(*) FROM " + from + " WHERE " + current + " IS NOT NULL GROUP BY "
                + current;
        try {
            remote.query(sql, row -> ties.merge(ConsentRecords.key(row[0]), ((Number) row[1]).longValue(), Long::sum));
        } catch (VeilException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(followed);
    }

    /** The value of {@code value} per value of {@code key} in {@code table} (the first row wins); null if unreadable. */
    private Map<Object, Object> lookup(TableName table, String key, String value) {
        String id = table + "\u0000" + key + "\u0000" + value;
        if (lookups.containsKey(id)) {
            return lookups.get(id);
        }
        Optional<TableDef> def = warehouse.catalog().table(table);
        Map<Object, Object> map = null;
        if (def.isPresent() && def.get().columnIndex(key) >= 0 && def.get().columnIndex(value) >= 0) {
            Map<Object, Object> found = new HashMap<>();
            if (scan(def.get(), new int[] {def.get().columnIndex(key), def.get().columnIndex(value)}, row -> {
                if (row[0] != null && row[1] != null) {
                    found.putIfAbsent(ConsentRecords.key(row[0]), ConsentRecords.key(row[1]));
                }
            })) {
                map = found;
            }
        }
        lookups.put(id, map);
        return map;
    }

    /** Reads the columns of every row of the table's current version; false for a table without local rows. */
    private boolean scan(TableDef def, int[] columns, java.util.function.Consumer<Object[]> action) {
        if (new dev.veil.catalog.ForeignTables(warehouse.sqliteCatalog()).all().containsKey(def.id())) {
            return false;
        }
        try (BatchScan scan = warehouse.scan(def, warehouse.catalog().currentVersion(def.id()), columns)) {
            for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
                java.util.List<FieldVector> v = batch.getFieldVectors();
                for (int i = 0; i < batch.getRowCount(); i++) {
                    Object[] row = new Object[v.size()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = ArrowValues.get(v.get(c), i);
                    }
                    action.accept(row);
                }
            }
        }
        return true;
    }
}
