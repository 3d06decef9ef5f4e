package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import dev.veil.policy.ConsentSource;
import dev.veil.policy.TableConsent;
import dev.veil.storage.ArrowValues;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The rows of one consent source, read once from its current version, and the consent rule of
 * the scans ({@code ScanConditions} of {@code rewrite}) evaluated on them in Java, for the
 * admin-only transparency views ({@code veil.consent_coverage}, the units an audited statement
 * touched, {@code REPORT DATA USE}): a unit consents to a purpose for a set of categories at a time
 * when, for each category, some row of it is granted at or before that time and expires after it
 * (no expiry counts only for purposes without renewal; for a purpose with {@code RENEWAL EVERY n
 * DAYS}, a row whose expiry is more than n days after its grant does not count), and no row of it
 * for that purpose and category is withdrawn at or before that time; with no category, some
 * category of the purpose must pass. Never used to answer an analyst.
 */
public final class ConsentRecords {
    /** One consent row; times in milliseconds since the epoch (a DATE: its midnight, UTC). */
    public record Row(Object unit, String purpose, String category, Long granted, Long expires, Long withdrawn) {}

    private final Map<Object, List<Row>> byUnit;

    private ConsentRecords(Map<Object, List<Row>> byUnit) {
        this.byUnit = byUnit;
    }

    /** Reads every row of {@code source} as it is now; rows without a unit, purpose or category are left out. */
    public static ConsentRecords load(Warehouse warehouse, ConsentSource source) {
        requireNonNull(source, "source is null");
        TableDef def = requireNonNull(warehouse, "warehouse is null")
                .catalog()
                .table(source.table())
                .orElse(null);
        Map<Object, List<Row>> byUnit = new HashMap<>();
        if (def == null) {
            return new ConsentRecords(byUnit);
        }
        int unit = def.columnIndex(source.unit());
        int purpose = def.columnIndex(source.purpose());
        int category = def.columnIndex(source.category());
        int granted = def.columnIndex(source.granted());
        int expires = def.columnIndex(source.expires());
        int withdrawn = source.withdrawn().map(def::columnIndex).orElse(-1);
        if (unit < 0 || purpose < 0 || category < 0 || granted < 0 || expires < 0) {
            return new ConsentRecords(byUnit);
        }
        int[] columns = withdrawn < 0
                ? new int[] {unit, purpose, category, granted, expires}
                : new int[] {unit, purpose, category, granted, expires, withdrawn};
        try (BatchScan scan = warehouse.scan(def, warehouse.catalog().currentVersion(def.id()), columns)) {
            for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
                List<FieldVector> v = batch.getFieldVectors();
                for (int i = 0; i < batch.getRowCount(); i++) {
                    Object u = ArrowValues.get(v.get(0), i);
                    Object p = ArrowValues.get(v.get(1), i);
                    Object c = ArrowValues.get(v.get(2), i);
                    if (u == null || p == null || c == null) {
                        continue;
                    }
                    Row row = new Row(
                            key(u),
                            p.toString(),
                            c.toString(),
                            millis(def, granted, ArrowValues.get(v.get(3), i)),
                            millis(def, expires, ArrowValues.get(v.get(4), i)),
                            withdrawn < 0 ? null : millis(def, withdrawn, ArrowValues.get(v.get(5), i)));
                    byUnit.computeIfAbsent(row.unit(), k -> new ArrayList<>()).add(row);
                }
            }
        }
        return new ConsentRecords(byUnit);
    }

    /** A unit value as units are compared: integers and decimals by value, everything else as is. */
    public static Object key(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return key(BigDecimal.valueOf(((Number) value).longValue()));
        }
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (value instanceof Double d) {
            return d.isNaN() || d.isInfinite() ? d : key(BigDecimal.valueOf(d));
        }
        return value;
    }

    private static Long millis(TableDef def, int column, Object value) {
        if (value == null) {
            return null;
        }
        long n = ((Number) value).longValue();
        return def.columns().get(column).type().type() == VeilType.DATE ? n * 86_400_000L : n;
    }

    /** The units with at least one consent row. */
    public Set<Object> units() {
        return byUnit.keySet();
    }

    /** The rows of one unit (its key: see {@link #key}). */
    public List<Row> rowsOf(Object unit) {
        return byUnit.getOrDefault(key(unit), List.of());
    }

    /** The categories that rows for {@code purpose} name, sorted. */
    public Set<String> categoriesOf(String purpose) {
        Set<String> categories = new TreeSet<>();
        for (List<Row> rows : byUnit.values()) {
            for (Row r : rows) {
                if (r.purpose().equals(purpose)) {
                    categories.add(r.category());
                }
            }
        }
        return categories;
    }

    /**
     * Whether {@code unit} consents to {@code purpose} for every category of {@code categories}
     * ({@code general} left out; none: any category) at {@code at}.
     */
    public boolean consents(Object unit, String purpose, Set<String> categories, long at, OptionalInt renewalDays) {
        Set<String> wanted = new HashSet<>(categories);
        wanted.remove(TableConsent.GENERAL);
        Set<String> valid = new HashSet<>();
        Set<String> withdrawn = new HashSet<>();
        for (Row r : rowsOf(unit)) {
            if (!r.purpose().equals(purpose) || (!wanted.isEmpty() && !wanted.contains(r.category()))) {
                continue;
            }
            if (r.withdrawn() != null && r.withdrawn() <= at) {
                withdrawn.add(r.category());
            }
            if (valid(r, at, renewalDays)) {
                valid.add(r.category());
            }
        }
        valid.removeAll(withdrawn);
        return wanted.isEmpty() ? !valid.isEmpty() : valid.containsAll(wanted);
    }

    /** The units that consent to {@code purpose} for {@code categories} at {@code at} (see {@link #consents}). */
    public Set<Object> consenting(String purpose, Set<String> categories, long at, OptionalInt renewalDays) {
        Set<Object> units = new HashSet<>();
        for (Object unit : byUnit.keySet()) {
            if (consents(unit, purpose, categories, at, renewalDays)) {
                units.add(unit);
            }
        }
        return units;
    }

    private static boolean valid(Row r, long at, OptionalInt renewalDays) {
        if (r.granted() == null || r.granted() > at) {
            return false;
        }
        if (r.expires() == null) {
            return renewalDays.isEmpty();
        }
        if (r.expires() <= at) {
            return false;
        }
        return renewalDays.isEmpty() || r.expires() - r.granted() <= renewalDays.getAsInt() * 86_400_000L;
    }
}
