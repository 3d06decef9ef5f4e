package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableVersion;
import dev.veil.control.StatementMemory;
import dev.veil.exec.scan.KeySet;
import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A consent path composed into one set: the keys of a path's first lookup step whose unit, found
 * along every step in turn, is among the consenting units ({@link ConsentUnitSets.UnitSet}). Lineitem
 * rows whose consent path is lineitem → orders → customer then pay one primitive probe on their own
 * order key instead of one per step. Built only when every step maps integral keys to integral
 * values ({@link LongUnitMap}) and the units are longs; NULL along the path (a key absent from a
 * step's map) leaves the key out, as the step-by-step lookup does.
 *
 * <p>A composed set answers for exactly the data it was built from: it is cached with the unit set
 * it was composed with (which itself stands for one consent source version, rule and time window:
 * a consent withdrawn, loaded or expiring makes a new unit set, and so a new composition) and the
 * versions of the tables along the path (a change to one of them is a new key). Each unit set keeps
 * its {@value #SETS_PER_UNIT_SET} most recently used compositions, as soft references, and goes with
 * them when it is dropped. A set takes memory in proportion to the keys of the first step's table;
 * the statement that builds or uses one accounts it, and fails with MEMORY_LIMIT_EXCEEDED, before
 * building, when its bound does not fit.
 */
final class ConsentKeySets {
    static final int SETS_PER_UNIT_SET = 4;

    private static final Map<ConsentUnitSets.UnitSet, LinkedHashMap<List<Step>, SoftReference<KeySet>>> CACHE =
            new WeakHashMap<>();
    private static final AtomicLong COMPOSED = new AtomicLong();

    private ConsentKeySets() {}

    /** One lookup step of a path, as stored: a table version and its key and next columns. */
    record Step(TableVersion version, int keyColumn, int nextColumn) {
        Step {
            requireNonNull(version, "version is null");
        }
    }

    /**
     * The keys of {@code maps[0]} whose unit, through {@code maps} in turn, is in {@code units};
     * {@code steps} are what the maps were built from. Accounted to {@code account}.
     */
    static KeySet get(
            ConsentUnitSets.UnitSet units,
            List<Step> steps,
            LongUnitMap[] maps,
            StatementMemory.Account account,
            AtomicBoolean cancelFlag) {
        requireNonNull(units, "units is null");
        if (steps.size() != maps.length || maps.length == 0) {
            throw new IllegalArgumentException("one step per map, at least one");
        }
        List<Step> key = List.copyOf(steps);
        synchronized (CACHE) {
            LinkedHashMap<List<Step>, SoftReference<KeySet>> sets = CACHE.get(units);
            SoftReference<KeySet> cached = sets == null ? null : sets.get(key);
            KeySet set = cached == null ? null : cached.get();
            if (set != null) {
                account.holdAtLeast(set.bytes());
                return set;
            }
        }
        KeySet set = compose(units, maps, account, cancelFlag);
        account.holdAtLeast(set.bytes());
        synchronized (CACHE) {
            LinkedHashMap<List<Step>, SoftReference<KeySet>> sets =
                    CACHE.computeIfAbsent(units, u -> new LinkedHashMap<>(8, 0.75f, true));
            sets.put(key, new SoftReference<>(set));
            while (sets.size() > SETS_PER_UNIT_SET) {
                Iterator<SoftReference<KeySet>> eldest = sets.values().iterator();
                eldest.next();
                eldest.remove();
            }
        }
        return set;
    }

    /**
     * Follows every key of the first map along the others into the units. A dense first map (keys
     * in a known range, as generated keys are) gives a bitmap over its range, a bit per possible key;
     * any other a hashed set, whose building may take up to 96 bytes per slot of the first map. That
     * bound is accounted to {@code account} before anything is built.
     */
    static KeySet compose(
            ConsentUnitSets.UnitSet units,
            LongUnitMap[] maps,
            StatementMemory.Account account,
            AtomicBoolean cancelFlag) {
        COMPOSED.incrementAndGet();
        LongUnitMap first = maps[0];
        long slots = first.slots();
        if (first.dense()) {
            account.holdAtLeast(64 + 8 * (slots / 64 + 1));
            long[] bits = new long[(int) (slots / 64 + 1)];
            long base = first.minKey();
            visit(units, maps, cancelFlag, key -> {
                long d = key - base;
                bits[(int) (d >>> 6)] |= 1L << d;
            });
            return KeySet.ofBits(base, bits);
        }
        account.holdAtLeast(64 + 96 * Math.max(1024, slots));
        KeySet.Builder keys = new KeySet.Builder();
        visit(units, maps, cancelFlag, keys::add);
        return keys.build();
    }

    /** Hands {@code consenting} every key of {@code maps[0]} whose unit, along {@code maps}, is in {@code units}. */
    private static void visit(
            ConsentUnitSets.UnitSet units, LongUnitMap[] maps, AtomicBoolean cancelFlag, LongConsumer consenting) {
        long[] visited = {0};
        maps[0].forEach((key, next) -> {
            if ((++visited[0] & 0xFFFF) == 0 && cancelFlag.get()) {
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            }
            long value = next;
            for (int i = 1; i < maps.length; i++) {
                value = maps[i].getLong(value);
                if (LongUnitMap.absent(value)) {
                    return;
                }
            }
            if (units.containsLong(value)) {
                consenting.accept(key);
            }
        });
    }

    /** How many sets were composed since the class was loaded; for tests. */
    static long composedCount() {
        return COMPOSED.get();
    }

    /** How many compositions are cached with {@code units}; for tests. */
    static int cachedCount(ConsentUnitSets.UnitSet units) {
        synchronized (CACHE) {
            Map<List<Step>, SoftReference<KeySet>> sets = CACHE.get(units);
            return sets == null ? 0 : sets.size();
        }
    }
}
