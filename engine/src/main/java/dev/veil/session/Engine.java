package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.storage.Warehouse;
import dev.veil.sql.PlannerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
    private final PrivacyRewriter rewriter = new PrivacyRewriter();
    private int references;

    private Engine(Path directory, Warehouse warehouse) {
        this.directory = directory;
        this.warehouse = warehouse;
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
        Path key = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
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

    /** A new session for {@code user}. The caller has established who the user is. */
    public Session newSession(String user) {
        return new Session(this, user);
    }
}
