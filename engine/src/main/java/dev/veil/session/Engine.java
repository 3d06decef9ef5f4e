package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.control.StatementAdmission;
import dev.veil.policy.PolicyResolver;
import dev.veil.policy.StoredPolicyResolver;
import dev.veil.rewrite.MaskKey;
import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open warehouse in this process, shared by every session and connection on it. Engines are
 * reference-counted per directory: {@link #acquire} opens or reuses, {@link #release} closes the
 * warehouse when the last user lets go.
 */
public final class Engine {
    private static final Map<Path, Engine> OPEN = new HashMap<>();

    static {
        // Reuse the compiled Java of a plan when the same plan runs again (dashboards repeat their
        // queries); the key is the generated source, the data comes from each execution's context.
        // Must be set before Calcite reads its system properties.
        if (System.getProperty("calcite.bindable.cache.maxSize") == null) {
            System.setProperty("calcite.bindable.cache.maxSize", "512");
        }
    }

    private final Path directory;
    private final Warehouse warehouse;
    private final PrivacyRewriter rewriter;
    private volatile PolicyResolver policies;
    private final StatementAdmission admission = new StatementAdmission(StatementAdmission.DEFAULT_MAX_WAIT);

    /** How many principals {@link #principal} keeps. */
    private static final int MAX_KNOWN_PRINCIPALS = 10_000;

    /**
     * A principal as read from the catalog at a generation: every statement asks for its user's
     * principal, and while the catalog's generation stays the same (no user, role or grant
     * changed) the answer is the same, without waiting for the catalog's lock.
     */
    private record KnownPrincipal(Principal principal, long generation) {}

    private final Map<String, KnownPrincipal> principals = new ConcurrentHashMap<>();
    private int references;

    private Engine(Path directory, Warehouse warehouse) {
        this.directory = directory;
        this.warehouse = warehouse;
        this.rewriter = new PrivacyRewriter(MaskKey.of(warehouse.root(), warehouse.sqliteCatalog()));
        this.policies = new StoredPolicyResolver(warehouse.sqliteCatalog());
    }

    /** Opens the warehouse in {@code directory}, or shares the engine already open on it. */
    public static Engine acquire(Path directory) {
        return acquire(directory, false);
    }

    /**
     * As {@link #acquire(Path)}; with {@code create}, a directory that holds no warehouse yet gets a
     * new one with the default schema.
     */
    public static Engine acquire(Path directory, boolean create) {
        Path key =
                requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        synchronized (OPEN) {
            Engine engine = OPEN.get(key);
            if (engine == null) {
                Warehouse warehouse;
                if (create && !Files.exists(key.resolve(Warehouse.CATALOG_FILE))) {
                    warehouse = Warehouse.create(key);
                    warehouse.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
                } else {
                    warehouse = Warehouse.open(key);
                }
                engine = new Engine(key, warehouse);
                OPEN.put(key, engine);
            }
            engine.references++;
            return engine;
        }
    }

    /** Gives back one reference; the last one closes the warehouse. */
    public void release() {
        synchronized (OPEN) {
            if (references <= 0) {
                return;
            }
            if (--references == 0) {
                OPEN.remove(directory);
                warehouse.close();
            }
        }
    }

    public Warehouse warehouse() {
        return warehouse;
    }

    public PrivacyRewriter rewriter() {
        return rewriter;
    }

    /** The policies that govern every session on this engine. */
    public PolicyResolver policies() {
        return policies;
    }

    /**
     * Installs the resolver of the policies every later statement on this engine obeys. Only Java
     * code in the engine's process can call this (the policy store at startup, tests); no SQL
     * statement, connection property or environment variable reaches it.
     */
    public void usePolicies(PolicyResolver resolver) {
        this.policies = requireNonNull(resolver, "resolver is null");
    }

    /**
     * The principal {@code user} is right now: the user and its granted roles. A name the
     * catalog does not know (only possible in a warehouse without users, reachable in-process)
     * is the admin when the catalog says so, and an analyst otherwise.
     */
    public Principal principal(String user) {
        requireNonNull(user, "user is null");
        Principals catalog = new Principals(warehouse.sqliteCatalog());
        // Read before the catalog: a change that begins after this read makes the entry stale at once.
        long generation = catalog.generation();
        KnownPrincipal known = principals.get(user);
        if (known != null && known.generation() == generation) {
            return known.principal();
        }
        Principal principal = catalog.principalOf(user);
        if (principals.size() >= MAX_KNOWN_PRINCIPALS) {
            principals.clear();
        }
        principals.put(user, new KnownPrincipal(principal, generation));
        return principal;
    }

    /** The caps on the statements each user of this warehouse runs at once. */
    public StatementAdmission admission() {
        return admission;
    }

    /** A new session for {@code user}. The caller has established who the user is. */
    public Session newSession(String user) {
        return new Session(this, user);
    }
}
