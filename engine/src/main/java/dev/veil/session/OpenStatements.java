package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The open statements of each connection, by statement id, at most {@value #MAX_PER_CONNECTION}
 * per connection. A statement id names a statement of one connection only: looked up under
 * another connection it is not there. Adding one more than the limit fails with
 * TOO_MANY_STATEMENTS, so that no client can make the server hold statements without end.
 *
 * @param <S> the state kept per statement
 */
final class OpenStatements<S> {
    /** The most statements one connection may hold open. */
    static final int MAX_PER_CONNECTION = 1000;

    private final Map<String, Connection<S>> byConnection = new ConcurrentHashMap<>();

    /** The statements of one connection; guarded by itself. */
    private static final class Connection<S> {
        final Map<Integer, S> statements = new HashMap<>();
        /** Set when the connection's statements were removed: a new one starts a new entry. */
        boolean removed;
    }

    /** Statement {@code id} of connection {@code connectionId}; null if it has none of that id. */
    S get(String connectionId, int id) {
        Connection<S> connection = byConnection.get(requireNonNull(connectionId, "connectionId is null"));
        if (connection == null) {
            return null;
        }
        synchronized (connection) {
            return connection.statements.get(id);
        }
    }

    /** Adds {@code statement} as statement {@code id} of the connection; TOO_MANY_STATEMENTS at the limit. */
    void add(String connectionId, int id, S statement) {
        requireNonNull(statement, "statement is null");
        getOrAdd(connectionId, id, () -> statement);
    }

    /**
     * Statement {@code id} of the connection, or, if it has none of that id, the statement
     * {@code create} makes, added under that id (TOO_MANY_STATEMENTS at the limit).
     */
    S getOrAdd(String connectionId, int id, Supplier<S> create) {
        requireNonNull(connectionId, "connectionId is null");
        requireNonNull(create, "create is null");
        while (true) {
            Connection<S> connection = byConnection.computeIfAbsent(connectionId, c -> new Connection<>());
            synchronized (connection) {
                if (connection.removed) {
                    // Its statements were removed (the connection closed) after it was looked up.
                    continue;
                }
                S open = connection.statements.get(id);
                if (open != null) {
                    return open;
                }
                if (connection.statements.size() >= MAX_PER_CONNECTION) {
                    throw new VeilException(
                            ErrorCode.TOO_MANY_STATEMENTS,
                            "The connection holds " + MAX_PER_CONNECTION
                                    + " open statements, the most one connection may hold; close the statements it"
                                    + " no longer uses");
                }
                S made = requireNonNull(create.get(), "create made null");
                connection.statements.put(id, made);
                return made;
            }
        }
    }

    /** Removes statement {@code id} of the connection if it is {@code statement}; returns whether it did. */
    boolean remove(String connectionId, int id, S statement) {
        Connection<S> connection = byConnection.get(requireNonNull(connectionId, "connectionId is null"));
        if (connection == null) {
            return false;
        }
        synchronized (connection) {
            return connection.statements.remove(id, statement);
        }
    }

    /** The open statements of the connection. */
    Collection<S> of(String connectionId) {
        Connection<S> connection = byConnection.get(requireNonNull(connectionId, "connectionId is null"));
        if (connection == null) {
            return List.of();
        }
        synchronized (connection) {
            return List.copyOf(connection.statements.values());
        }
    }

    /** Removes every statement of the connection and returns them. */
    Collection<S> removeConnection(String connectionId) {
        Connection<S> connection = byConnection.remove(requireNonNull(connectionId, "connectionId is null"));
        if (connection == null) {
            return List.of();
        }
        synchronized (connection) {
            connection.removed = true;
            List<S> removed = List.copyOf(connection.statements.values());
            connection.statements.clear();
            return removed;
        }
    }

    /** How many statements are open, over all connections. */
    int size() {
        int size = 0;
        for (Connection<S> connection : byConnection.values()) {
            synchronized (connection) {
                size += connection.statements.size();
            }
        }
        return size;
    }
}
