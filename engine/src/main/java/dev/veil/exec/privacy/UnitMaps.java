package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableVersion;
import dev.veil.control.MemoryPool;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.Warehouse;
import java.lang.ref.SoftReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link UnitMap}s of recent table versions, so that queries after the first do not read and
 * aggregate the looked-up table again. A map belongs to one open {@link Warehouse} and one
 * {@link TableVersion} (table id, version number and segment list): a commit makes a new version,
 * which gets its own map, so no query is ever served the map of other data. Memory stays bounded:
 * each warehouse keeps the {@value #MAPS_PER_WAREHOUSE} most recently used maps, a map is dropped
 * when a newer version of its table is cached for the same columns, the maps are soft references
 * the collector may clear under memory pressure, and a closed, unreachable warehouse takes its
 * maps with it. A cached map's estimated size is taken from the server's {@link MemoryPool} (not
 * from the statement that built it): a map the pool cannot hold is used once and not cached, and
 * when statements need the pool's memory the cache gives its maps up, least recently used first.
 */
final class UnitMaps {
    /** How many maps each warehouse keeps. */
    static final int MAPS_PER_WAREHOUSE = 8;

    private static final Map<Warehouse, LinkedHashMap<Key, Entry>> CACHE = new WeakHashMap<>();

    static {
        MemoryPool.shared().addReclaimer(UnitMaps::reclaim);
    }

    private UnitMaps() {}

    /** A cached map and the bytes it holds of the pool it was accounted to. */
    private record Entry(SoftReference<UnitMap> map, long bytes, MemoryPool pool) {
        UnitMap get() {
            return map.get();
        }

        void release() {
            pool.release(bytes);
        }
    }

    /** Drops cached maps, least recently used first, until {@code wanted} bytes are free; returns the bytes freed. */
    private static long reclaim(long wanted) {
        long freed = 0;
        synchronized (CACHE) {
            for (LinkedHashMap<Key, Entry> maps : CACHE.values()) {
                for (Iterator<Entry> it = maps.values().iterator(); it.hasNext() && freed < wanted; ) {
                    Entry entry = it.next();
                    it.remove();
                    entry.release();
                    freed += entry.bytes();
                }
            }
        }
        return freed;
    }

    /** What a map is of. */
    private record Key(TableVersion version, int keyColumn, int nextColumn, ColumnType keyType, ColumnType nextType) {
        Key {
            requireNonNull(version, "version is null");
            requireNonNull(keyType, "keyType is null");
            requireNonNull(nextType, "nextType is null");
        }

        boolean sameColumns(Key other) {
            return version.tableId() == other.version.tableId()
                    && keyColumn == other.keyColumn
                    && nextColumn == other.nextColumn;
        }
    }

    /** The map of {@code table}'s version from {@code keyColumn} to {@code nextColumn}; built on first use. */
    static UnitMap get(ArrowTable table, int keyColumn, int nextColumn, AtomicBoolean cancelFlag) {
        Key key = new Key(
                table.version(),
                keyColumn,
                nextColumn,
                table.definition().columns().get(keyColumn).type(),
                table.definition().columns().get(nextColumn).type());
        Warehouse warehouse = table.warehouse();
        synchronized (CACHE) {
            LinkedHashMap<Key, Entry> maps = CACHE.get(warehouse);
            Entry cached = maps == null ? null : maps.get(key);
            UnitMap map = cached == null ? null : cached.get();
            if (map != null) {
                return map;
            }
            if (cached != null) {
                maps.remove(key); // cleared by the collector
                cached.release();
            }
        }
        // Built outside the lock: two queries may build the same map at once, and both get a correct one.
        UnitMap map = UnitMap.build(warehouse, table.definition(), table.version(), keyColumn, nextColumn, cancelFlag);
        MemoryPool pool = MemoryPool.shared();
        long bytes = map.bytes();
        if (!pool.tryReserve(bytes)) {
            return map;
        }
        synchronized (CACHE) {
            LinkedHashMap<Key, Entry> maps =
                    CACHE.computeIfAbsent(warehouse, w -> new LinkedHashMap<>(16, 0.75f, true));
            for (Iterator<Map.Entry<Key, Entry>> it = maps.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, Entry> other = it.next();
                if (other.getKey().sameColumns(key)
                        && other.getKey().version().version() < key.version().version()) {
                    it.remove();
                    other.getValue().release();
                }
            }
            Entry previous = maps.put(key, new Entry(new SoftReference<>(map), bytes, pool));
            if (previous != null) {
                previous.release();
            }
            while (maps.size() > MAPS_PER_WAREHOUSE) {
                Iterator<Entry> eldest = maps.values().iterator();
                Entry dropped = eldest.next();
                eldest.remove();
                dropped.release();
            }
        }
        return map;
    }

    /** How many maps are cached for {@code warehouse} (cleared ones included); for tests. */
    static int cachedCount(Warehouse warehouse) {
        synchronized (CACHE) {
            Map<Key, Entry> maps = CACHE.get(warehouse);
            return maps == null ? 0 : maps.size();
        }
    }
}
