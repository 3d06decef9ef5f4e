package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import dev.veil.exec.scan.KeySet;
import dev.veil.exec.scan.VectorValues;
import dev.veil.plan.ConsentSpec;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.lang.ref.SoftReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The units that consent, as a consent condition asks ({@link ConsentSpec}), at a statement time:
 * read from one version of the consent source, and cached per warehouse, source version, rule
 * (columns, purpose, categories, renewal) and time window. A set is built for a statement time
 * {@code now} together with the window {@code [from, until)} around it in which no row of the source
 * changes its part in the answer (the nearest GRANTED, EXPIRES and WITHDRAWN instants of the rows
 * the rule reads, at or before {@code now} and after it): a later statement whose time is in the
 * window gets the same set, one outside it (a consent that expired, a withdrawal that took effect)
 * gets a new one. A new version of the source (a consent loaded, changed or withdrawn) is a new key,
 * so no statement is ever served the set of other data. Each warehouse keeps the
 * {@value #SETS_PER_WAREHOUSE} most recently used sets, as soft references.
 *
 * <p>The rule, exactly as the docs state it: for each row of the source whose unit, purpose (equal
 * to the statement's) and category (one of those read, or any when only {@code general} columns are
 * read) are not NULL, the row is valid when GRANTED is at or before {@code now} and EXPIRES is NULL
 * or after {@code now} (for a RENEWAL purpose: not NULL, after {@code now} and at most the period
 * after GRANTED), and withdraws when WITHDRAWN is at or before {@code now}. A (unit, category) is
 * granted when some row is valid and none withdraws; a unit consents when every category read is
 * granted (some category when none is read).
 */
final class ConsentUnitSets {
    static final int SETS_PER_WAREHOUSE = 8;

    private static final Map<Warehouse, LinkedHashMap<Key, Entry>> CACHE = new WeakHashMap<>();

    private ConsentUnitSets() {}

    /** A set of units: primitive longs for integral, DATE and TIMESTAMP units, else normalized values. */
    static final class UnitSet {
        private final KeySet longs;
        private final Set<Object> values;

        private UnitSet(KeySet longs, Set<Object> values) {
            this.longs = longs;
            this.values = values;
        }

        /** The set of the integral units in {@code units}. */
        static UnitSet ofLongs(KeySet units) {
            return new UnitSet(java.util.Objects.requireNonNull(units, "units is null"), null);
        }

        boolean longs() {
            return longs != null;
        }

        boolean containsLong(long unit) {
            return longs != null ? longs.contains(unit) : values.contains(unit);
        }

        /** The units listed ({@link dev.veil.plan.ConsentKeys#list}), or null when they are neither all integral nor all text. */
        Object list() {
            if (longs != null) {
                return longs.toArray();
            }
            if (values.stream().allMatch(v -> v instanceof String)) {
                String[] units = values.toArray(String[]::new);
                java.util.Arrays.sort(units);
                return units;
            }
            if (values.stream().allMatch(v -> v instanceof Long)) {
                long[] units = values.stream().mapToLong(v -> (Long) v).sorted().toArray();
                return units;
            }
            return null;
        }

        boolean contains(Object unit) {
            if (longs != null) {
                return unit instanceof Number n && longs.contains(n.longValue());
            }
            return values.contains(UnitMap.normalize(unit));
        }
    }

    /** What a set is of. */
    private record Key(
            TableVersion version,
            int unit,
            int purposeColumn,
            int categoryColumn,
            int granted,
            int expires,
            int withdrawn,
            String purpose,
            List<String> categories,
            int renewalDays) {
        static Key of(TableVersion version, ConsentSpec spec) {
            return new Key(
                    version,
                    spec.unitColumn(),
                    spec.purposeColumn(),
                    spec.categoryColumn(),
                    spec.grantedColumn(),
                    spec.expiresColumn(),
                    spec.withdrawnColumn(),
                    spec.purpose(),
                    spec.categories(),
                    spec.renewalDays());
        }

        boolean sameRule(Key other) {
            return version.tableId() == other.version.tableId()
                    && equals(new Key(
                            version,
                            other.unit,
                            other.purposeColumn,
                            other.categoryColumn,
                            other.granted,
                            other.expires,
                            other.withdrawn,
                            other.purpose,
                            other.categories,
                            other.renewalDays));
        }
    }

    /** A cached set and the statement times it answers for, {@code [from, until)}. */
    private record Entry(SoftReference<UnitSet> set, long from, long until) {}

    /** The units that consent as {@code spec} asks at {@code now}, in {@code source}'s version. */
    static UnitSet get(ArrowTable source, ConsentSpec spec, long now, AtomicBoolean cancelFlag) {
        requireNonNull(source, "source is null");
        Key key = Key.of(source.version(), spec);
        Warehouse warehouse = source.warehouse();
        synchronized (CACHE) {
            LinkedHashMap<Key, Entry> sets = CACHE.get(warehouse);
            Entry cached = sets == null ? null : sets.get(key);
            UnitSet set = cached == null ? null : cached.set().get();
            if (set != null && cached.from() <= now && now < cached.until()) {
                return set;
            }
        }
        Built built = build(source, spec, now, cancelFlag);
        synchronized (CACHE) {
            LinkedHashMap<Key, Entry> sets =
                    CACHE.computeIfAbsent(warehouse, w -> new LinkedHashMap<>(16, 0.75f, true));
            for (Iterator<Map.Entry<Key, Entry>> it = sets.entrySet().iterator(); it.hasNext(); ) {
                Key other = it.next().getKey();
                if (other.sameRule(key)
                        && other.version().version() < key.version().version()) {
                    it.remove();
                }
            }
            sets.put(key, new Entry(new SoftReference<>(built.set()), built.from(), built.until()));
            while (sets.size() > SETS_PER_WAREHOUSE) {
                Iterator<Entry> eldest = sets.values().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return built.set();
    }

    private record Built(UnitSet set, long from, long until) {}

    /** Per (unit, category): whether some row is valid, whether some row withdraws. */
    private record Pair(Object unit, String category) {}

    private static final int VALID = 1;
    private static final int WITHDRAWN = 2;

    private static Built build(ArrowTable source, ConsentSpec spec, long now, AtomicBoolean cancelFlag) {
        TableDef def = source.definition();
        int[] wanted = spec.withdrawnColumn() < 0
                ? new int[] {
                    spec.unitColumn(),
                    spec.purposeColumn(),
                    spec.categoryColumn(),
                    spec.grantedColumn(),
                    spec.expiresColumn()
                }
                : new int[] {
                    spec.unitColumn(),
                    spec.purposeColumn(),
                    spec.categoryColumn(),
                    spec.grantedColumn(),
                    spec.expiresColumn(),
                    spec.withdrawnColumn()
                };
        int[] columns = java.util.Arrays.stream(wanted).distinct().toArray();
        int[] position = new int[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            for (int j = 0; j < columns.length; j++) {
                if (columns[j] == wanted[i]) {
                    position[i] = j;
                }
            }
        }
        ColumnType unitType = def.columns().get(spec.unitColumn()).type();
        boolean longUnits = LongUnitMap.holds(unitType.type());
        Set<String> categories = Set.copyOf(spec.categories());
        long renewal = spec.renewalDays() * 86_400_000L;
        long from = Long.MIN_VALUE;
        long until = Long.MAX_VALUE;
        Map<Pair, Integer> pairs = new HashMap<>();
        try (BatchScan scan = source.warehouse().scan(def, source.version(), columns)) {
            VectorSchemaRoot batch;
            while ((batch = scan.next()) != null) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                dev.veil.control.CpuScheduler.checkpoint();
                VectorValues.Reader[] readers = new VectorValues.Reader[wanted.length];
                for (int i = 0; i < wanted.length; i++) {
                    readers[i] = VectorValues.reader(
                            batch.getVector(position[i]),
                            def.columns().get(wanted[i]).type());
                }
                boolean[] dates = new boolean[wanted.length];
                for (int i = 3; i < wanted.length; i++) {
                    dates[i] = def.columns().get(wanted[i]).type().type() == VeilType.DATE;
                }
                int rows = batch.getRowCount();
                for (int r = 0; r < rows; r++) {
                    Object unit = readers[0].read(r);
                    Object purpose = readers[1].read(r);
                    Object category = readers[2].read(r);
                    if (unit == null
                            || category == null
                            || !spec.purpose().equals(purpose)
                            || (!categories.isEmpty() && !categories.contains(category))) {
                        continue;
                    }
                    Long granted = millis(readers[3].read(r), dates[3]);
                    Long expires = millis(readers[4].read(r), dates[4]);
                    Long withdrawn = wanted.length > 5 ? millis(readers[5].read(r), dates[5]) : null;
                    for (Long instant : new Long[] {granted, expires, withdrawn}) {
                        if (instant != null) {
                            if (instant <= now) {
                                from = Math.max(from, instant);
                            } else {
                                until = Math.min(until, instant);
                            }
                        }
                    }
                    boolean valid = granted != null
                            && granted <= now
                            && (spec.renewalDays() > 0
                                    ? expires != null && expires > now && expires - granted <= renewal
                                    : expires == null || expires > now);
                    int flags = (valid ? VALID : 0) | (withdrawn != null && withdrawn <= now ? WITHDRAWN : 0);
                    Object key = longUnits ? (Object) ((Number) unit).longValue() : UnitMap.normalize(unit);
                    pairs.merge(new Pair(key, (String) category), flags, (a, b) -> a | b);
                }
            }
        }
        Map<Object, Integer> granted = new HashMap<>();
        for (Map.Entry<Pair, Integer> pair : pairs.entrySet()) {
            if (pair.getValue() == VALID) {
                granted.merge(pair.getKey().unit(), 1, Integer::sum);
            }
        }
        int needed = Math.max(1, categories.size());
        KeySet.Builder longs = longUnits ? new KeySet.Builder() : null;
        Set<Object> values = longUnits ? null : new HashSet<>();
        for (Map.Entry<Object, Integer> unit : granted.entrySet()) {
            if (unit.getValue() >= needed) {
                if (longUnits) {
                    longs.add((Long) unit.getKey());
                } else {
                    values.add(unit.getKey());
                }
            }
        }
        UnitSet set = new UnitSet(longUnits ? longs.build() : null, longUnits ? null : Set.copyOf(values));
        return new Built(set, from, until);
    }

    private static Long millis(Object value, boolean date) {
        if (value == null) {
            return null;
        }
        long v = ((Number) value).longValue();
        return date ? v * 86_400_000L : v;
    }

    /** How many sets are cached for {@code warehouse} (cleared ones included); for tests. */
    static int cachedCount(Warehouse warehouse) {
        synchronized (CACHE) {
            Map<Key, Entry> sets = CACHE.get(warehouse);
            return sets == null ? 0 : sets.size();
        }
    }
}
