package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.control.StatementControl;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.UnitPath;
import dev.veil.storage.ArrowValues;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.sql.SqlLiteral;

/**
 * The rows of one privacy unit, in every table that reaches the unit table through its
 * {@code PRIVACY UNIT VIA} paths: the unit table's rows whose unit column holds the value, then,
 * table by table in order of path length, the rows whose foreign key holds a key of a parent row
 * already found (any depth). Used by EXPORT and ERASE PRIVACY UNIT.
 *
 * <p>For an erasure, a table whose policy says {@code ON ERASE SET NULL} keeps its rows (with the
 * foreign key set to NULL): its rows then pass no keys on to tables below it, which keep theirs.
 */
final class UnitRows {
    /** One table reached: its definition, the version read, its path, and its rule for erasure. */
    record Reached(TableDef table, TableVersion version, UnitPath path, boolean setNullOnErase) {
        /** The column whose value ties a row to the unit: the unit column or the first hop's foreign key. */
        int tieColumn() {
            String name =
                    path.isDirect() ? path.unitColumn() : path.hops().get(0).fkColumn();
            return columnIndex(table, name);
        }
    }

    private final Warehouse warehouse;
    private final TableName unitTable;
    private final List<Reached> reached;
    private final Object unitValue;
    private final AtomicBoolean cancel;

    private UnitRows(
            Warehouse warehouse, TableName unitTable, List<Reached> reached, Object unitValue, AtomicBoolean cancel) {
        this.warehouse = warehouse;
        this.unitTable = unitTable;
        this.reached = reached;
        this.unitValue = unitValue;
        this.cancel = cancel;
    }

    /**
     * The tables that reach {@code unitTable}, with one consistent snapshot of their versions.
     * INVALID_STATEMENT if {@code unitTable} is not a unit table (it has no privacy unit, or
     * reaches it through another table); INVALID_ARGUMENT if the value cannot be one of its unit
     * column (the message never shows the value).
     */
    static UnitRows resolve(StatementContext context, TableName unitTable, SqlLiteral value) {
        Warehouse warehouse = context.warehouse();
        TableDef unitDef = warehouse.catalog().requireTable(unitTable);
        SqlitePolicyStore store = PolicyStatements.store(context);
        UnitPath own = store.unitPath(unitTable)
                .orElseThrow(() -> new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "Table '" + unitTable + "' has no privacy unit; name the table whose PRIVACY UNIT column"
                                + " identifies the person"));
        if (!own.isDirect()) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "Table '" + unitTable + "' reaches its privacy unit through '" + own.unitTable()
                            + "'; name that table: ... OF " + own.unitTable());
        }
        Column unitColumn = unitDef.columns().get(columnIndex(unitDef, own.unitColumn()));
        Object unitValue = normalize(convert(value, unitColumn));
        Map<Long, TableVersion> versions = warehouse.sqliteCatalog().currentVersions();
        List<Reached> reached = new ArrayList<>();
        for (TableName name : store.tablesWithUnits()) {
            UnitPath path = store.unitPath(name).orElse(null);
            if (path == null || !path.unitTable().equals(unitTable)) {
                continue;
            }
            TableDef def = warehouse.catalog().requireTable(name);
            TableVersion version = versions.get(def.id());
            if (version == null) {
                version = warehouse.catalog().currentVersion(def.id());
            }
            reached.add(new Reached(def, version, path, !path.isDirect() && store.setsNullOnErase(name)));
        }
        Map<Long, ?> foreign = new ForeignTables(warehouse.sqliteCatalog()).all();
        for (Reached r : reached) {
            if (foreign.containsKey(r.table().id())) {
                // Its rows live in a remote database, which Veil neither reads whole nor changes.
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Table '" + r.table().name() + "' reaches the privacy unit of '" + unitTable
                                + "' but is a foreign table; export or erase its rows in its remote database");
            }
        }
        reached.sort(Comparator.comparingInt((Reached r) -> r.path().hops().size())
                .thenComparing(r -> r.table().name().toString()));
        return new UnitRows(warehouse, unitTable, List.copyOf(reached), unitValue, context.cancelFlag());
    }

    TableName unitTable() {
        return unitTable;
    }

    /** The unit's value, as a value of its column's type. */
    Object value() {
        return unitValue;
    }

    /** The tables reached, unit table first, then by path length and name. */
    List<Reached> reached() {
        return reached;
    }

    /** The unit's value as the fingerprint takes it: the canonical text of the column value. */
    String canonicalValue() {
        return canonical(unitValue);
    }

    /** The canonical text of a {@link #normalize normalized} unit value, as fingerprints take it. */
    static String canonical(Object normalized) {
        return normalized instanceof BigDecimal d ? d.toPlainString() : String.valueOf(normalized);
    }

    /** Receives each row of the unit that {@link #walk} finds. */
    @FunctionalInterface
    interface RowSink {
        void row(Reached table, Object[] row);
    }

    /**
     * Finds the unit's rows in every table reached, in order, giving each to {@code sink}; with
     * {@code forErasure}, rows of {@code ON ERASE SET NULL} tables pass no keys on. Returns, per
     * table id, the values of its {@link Reached#tieColumn} that tie a row to the unit (normalized:
     * see {@link #normalize}); a table with none is absent.
     */
    Map<Long, Set<Object>> walk(boolean forErasure, RowSink sink) {
        Map<Long, Set<Object>> ties = new HashMap<>();
        // Keys of the unit's rows, per table id and column, for the tables below.
        Map<Long, Map<String, Set<Object>>> keys = new HashMap<>();
        Map<Long, Set<String>> wanted = new HashMap<>();
        for (Reached r : reached) {
            if (!r.path().isDirect()) {
                UnitPath.Hop hop = r.path().hops().get(0);
                TableDef parent = warehouse.catalog().requireTable(hop.toTable());
                wanted.computeIfAbsent(parent.id(), k -> new HashSet<>()).add(hop.keyColumn());
            }
        }
        for (Reached r : reached) {
            Set<Object> parentKeys;
            if (r.path().isDirect()) {
                parentKeys = Set.of(unitValue);
            } else {
                UnitPath.Hop hop = r.path().hops().get(0);
                TableDef parent = warehouse.catalog().requireTable(hop.toTable());
                parentKeys = keys.getOrDefault(parent.id(), Map.of()).getOrDefault(hop.keyColumn(), Set.of());
            }
            if (parentKeys.isEmpty()) {
                continue;
            }
            ties.put(r.table().id(), parentKeys);
            int tie = r.tieColumn();
            Map<String, Integer> keyColumns = new HashMap<>();
            for (String column : wanted.getOrDefault(r.table().id(), Set.of())) {
                keyColumns.put(column, columnIndex(r.table(), column));
            }
            Map<String, Set<Object>> found = new HashMap<>();
            boolean passesKeys = !(forErasure && r.setNullOnErase());
            forEachRow(r, row -> {
                Object tied = row[tie];
                if (tied == null || !parentKeys.contains(normalize(tied))) {
                    return;
                }
                sink.row(r, row);
                if (passesKeys) {
                    keyColumns.forEach((column, index) -> {
                        if (row[index] != null) {
                            found.computeIfAbsent(column, k -> new HashSet<>()).add(normalize(row[index]));
                        }
                    });
                }
            });
            keys.put(r.table().id(), found);
        }
        return ties;
    }

    /** Gives every row of the table's version read to {@code action}, checking for cancellation per batch. */
    private void forEachRow(Reached r, java.util.function.Consumer<Object[]> action) {
        int[] all = new int[r.table().columns().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try (BatchScan scan = warehouse.scan(r.table(), r.version(), all)) {
            for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
                StatementControl.check(cancel);
                List<FieldVector> vectors = batch.getFieldVectors();
                for (int i = 0; i < batch.getRowCount(); i++) {
                    Object[] row = new Object[vectors.size()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = ArrowValues.get(vectors.get(c), i);
                    }
                    action.accept(row);
                }
            }
        }
    }

    static int columnIndex(TableDef table, String column) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(column)) {
                return i;
            }
        }
        throw new VeilException(
                ErrorCode.INVALID_POLICY,
                "The privacy unit policy of '" + table.name() + "' names column '" + column
                        + "', which the table does not have; an admin must repair the policy");
    }

    /** Keys compare by value across the integer, decimal and floating types a foreign key may mix. */
    static Object normalize(Object value) {
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d : BigDecimal.valueOf(d).stripTrailingZeros();
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (value instanceof Long || value instanceof Integer) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        return value;
    }

    /** The literal as a value of the unit column's type; INVALID_ARGUMENT (never showing it) if it is not one. */
    private static Object convert(SqlLiteral literal, Column column) {
        ColumnType type = column.type();
        String text = literal.toValue();
        boolean isString = literal.getTypeName().getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.CHARACTER;
        try {
            return switch (type.type()) {
                case VARCHAR -> isString ? literal.getValueAs(String.class) : new BigDecimal(text).toPlainString();
                case BIGINT -> new BigDecimal(text.strip()).longValueExact();
                case INTEGER -> new BigDecimal(text.strip()).intValueExact();
                case DECIMAL -> new BigDecimal(text.strip()).setScale(type.scale());
                case DOUBLE -> Double.parseDouble(text.strip());
                case BOOLEAN ->
                    switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        default -> throw new NumberFormatException();
                    };
                case DATE -> (int) LocalDate.parse(text.strip()).toEpochDay();
                case TIMESTAMP ->
                    LocalDateTime.parse(text.strip().replace(' ', 'T'))
                            .toInstant(ZoneOffset.UTC)
                            .toEpochMilli();
            };
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The unit value is not a " + type.sql() + " value of the unit column '" + column.name() + "'");
        }
    }

    static String describe(Map<String, Long> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((table, rows) -> {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(table).append(' ').append(rows).append(rows == 1 ? " row" : " rows");
        });
        return text.toString();
    }
}
