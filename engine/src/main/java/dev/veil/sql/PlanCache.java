package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.SqliteCatalog;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.storage.Warehouse;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The plans of queries already planned, per warehouse, so that a repeated statement skips
 * validation, the privacy rewrite, optimization and code generation. Only the plan is shared:
 * every execution of a cached plan is charged, draws its noise once per DP aggregate (or replays a
 * stored release, exactly as an uncached plan would, since the plan holds the same fingerprints),
 * and is audited, each through its own execution context.
 *
 * <p>A plan is reused only by a statement that would be planned exactly alike. The key holds the
 * statement's text (as parsed and printed), the user and their roles, the session settings that
 * decide a plan's shape ({@link SessionSettings#planKey}), the privacy rewriter and policy resolver
 * instances, and the catalog's {@linkplain SqliteCatalog#generation generation}, which every write
 * that may change a plan raises: a table, its data (a new version), a policy, a grant, a view, a
 * principal or a role setting. When the generation moves, the whole cache is dropped. A user never
 * gets a plan made for another user, whatever their policies. Plans that read system or
 * information-schema tables are not kept, nor is a failure (it is planned, and reported, again).
 * An entry is also dropped after {@link #MAX_AGE_NANOS}, so that nothing planned from the clock
 * lives long. The session's {@code SET EPSILON} is not in the key: it decides only each DP
 * aggregate's budget, which the caller applies to the cached plan for each statement
 * ({@code PlannedQuery.atEpsilon}: the budget, cost and fingerprints that planning at that ε gives).
 *
 * <p>Bounded by {@link #MAX_ENTRIES} entries and {@link #MAX_BYTES} of estimated memory (least
 * recently used first out). Thread-safe. Its counters are shown to admins by {@code EXPLAIN}.
 */
public final class PlanCache {
    static final int MAX_ENTRIES = 256;
    static final long MAX_BYTES = 64L << 20;
    static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(5);

    /** An object compared by identity (the rewriter and resolver have no value equality). */
    private record Identity(Object object) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
    }

    /** Everything besides the catalog generation that decides a plan. */
    record Key(
            String text,
            String user,
            List<String> roles,
            List<Object> settings,
            Identity rewriter,
            Identity policies,
            boolean columnar) {}

    private record Entry(PlannedQuery query, long bytes, long createdNanos) {}

    /** A snapshot of the counters. */
    public record Stats(long hits, long misses, long invalidations, long evictions, int entries, long bytes) {}

    private final SqliteCatalog catalog;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long generation = Long.MIN_VALUE;
    private long bytes;
    private long hits;
    private long misses;
    private long invalidations;
    private long evictions;

    private PlanCache(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** The plan cache of {@code warehouse}. */
    public static PlanCache of(Warehouse warehouse) {
        SqliteCatalog catalog = requireNonNull(warehouse, "warehouse is null").sqliteCatalog();
        return catalog.attachment(PlanCache.class, () -> new PlanCache(catalog));
    }

    private static Key key(String text, StatementContext context) {
        return new Key(
                text,
                context.principal().name(),
                context.principal().roles().stream().sorted().toList(),
                context.settings().planKey(),
                new Identity(context.rewriter()),
                new Identity(context.policies()),
                ExecutionOptions.current().columnar());
    }

    /**
     * The plan of the query {@code text} in {@code context}: the cached one if there is one for
     * exactly this key and catalog generation, else one made by {@code plan} (kept if it may be).
     */
    PlannedQuery plan(String text, StatementContext context, Supplier<PlannedQuery> plan) {
        // Read before planning: a write that begins later raises it, so the plan is never newer than its key says.
        long at = catalog.generation();
        Key key = key(text, context);
        synchronized (this) {
            sync(at);
            // A reader that saw an older generation than the cache's plans anew (it cannot use newer plans).
            Entry entry = at == generation ? entries.get(key) : null;
            if (entry != null && System.nanoTime() - entry.createdNanos() > MAX_AGE_NANOS) {
                remove(key);
                entry = null;
            }
            if (entry != null) {
                hits++;
                return entry.query();
            }
            misses++;
        }
        PlannedQuery query = plan.get();
        if (!query.cacheable()) {
            return query;
        }
        query.releasePlanner();
        long weight = weight(text, query);
        synchronized (this) {
            sync(catalog.generation());
            if (generation != at || weight > MAX_BYTES) {
                return query;
            }
            Entry old = entries.put(key, new Entry(query, weight, System.nanoTime()));
            if (old != null) {
                bytes -= old.bytes();
            }
            bytes += weight;
            Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
            while ((entries.size() > MAX_ENTRIES || bytes > MAX_BYTES) && eldest.hasNext()) {
                Entry out = eldest.next().getValue();
                eldest.remove();
                bytes -= out.bytes();
                evictions++;
            }
        }
        return query;
    }

    /** Whether the plan of {@code text} in {@code context} is cached now (for EXPLAIN; counts nothing). */
    synchronized boolean holds(String text, StatementContext context) {
        long now = catalog.generation();
        sync(now);
        return now == generation && entries.containsKey(key(text, context));
    }

    /** The counters now. */
    public synchronized Stats stats() {
        return new Stats(hits, misses, invalidations, evictions, entries.size(), bytes);
    }

    /** Drops every entry when the catalog's generation moved past the one the entries were planned at. */
    private void sync(long now) {
        if (now > generation) {
            if (!entries.isEmpty()) {
                invalidations++;
            }
            entries.clear();
            bytes = 0;
            generation = now;
        }
    }

    private void remove(Key key) {
        Entry out = entries.remove(key);
        if (out != null) {
            bytes -= out.bytes();
        }
    }

    /**
     * An estimate of what an entry holds on to: the plan's nodes with their expressions, the
     * generated code once compiled, the statement's snapshot of the schema, and the text.
     */
    private static long weight(String text, PlannedQuery query) {
        return 32L * 1024 + 4L * 1024 * query.planSize() + 2L * text.length();
    }
}
