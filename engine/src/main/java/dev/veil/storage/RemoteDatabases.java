package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ConnectionDef;
import dev.veil.catalog.ForeignTables;
import java.util.HashMap;
import java.util.Map;

/**
 * The remote databases of one warehouse's connections, each with its connection pool, opened on
 * first use. A connection that was dropped, or re-created with other settings, gets a new pool.
 */
public final class RemoteDatabases implements AutoCloseable {
    private final ForeignTables store;
    private final Map<String, RemoteDatabase> open = new HashMap<>();

    public RemoteDatabases(ForeignTables store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** The remote database of the connection of that name; UNKNOWN_CONNECTION if there is none. */
    public RemoteDatabase get(String connection) {
        ConnectionDef definition = store.requireConnection(connection);
        RemoteDatabase stale = null;
        RemoteDatabase database;
        synchronized (this) {
            database = open.get(connection);
            if (database != null && !database.definition().equals(definition)) {
                stale = database;
                database = null;
            }
            if (database == null) {
                database = new RemoteDatabase(definition);
                open.put(connection, database);
            }
        }
        if (stale != null) {
            stale.close();
        }
        return database;
    }

    /** Closes the pool of a connection that was dropped. */
    public void forget(String connection) {
        RemoteDatabase database;
        synchronized (this) {
            database = open.remove(connection);
        }
        if (database != null) {
            database.close();
        }
    }

    @Override
    public void close() {
        Map<String, RemoteDatabase> all;
        synchronized (this) {
            all = new HashMap<>(open);
            open.clear();
        }
        all.values().forEach(RemoteDatabase::close);
    }
}
