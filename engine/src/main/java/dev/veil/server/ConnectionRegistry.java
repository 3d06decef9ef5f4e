package dev.veil.server;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who owns each open connection, and when it was last used. A connection belongs to the user
 * who authenticated the request that first named it; a request from anyone else on it is
 * refused. Connections that nobody has used for longer than the idle timeout, and that have no
 * request running, are handed back for closing: that is how a client that died or forgot to
 * close frees what it held on the server.
 */
final class ConnectionRegistry {
    private final LongSupplier clock;
    private final Map<String, Entry> connections = new ConcurrentHashMap<>();

    private final java.util.Set<String> usersWithPreviousPasswords = ConcurrentHashMap.newKeySet();

    private static final class Entry {
        final String user;
        long lastUsed;
        int running;
        /** The key of the password the connection logged in with, kept after it changed its user's password. */
        volatile String previousPassword;

        Entry(String user, long now) {
            this.user = user;
            this.lastUsed = now;
        }
    }

    ConnectionRegistry() {
        this(System::nanoTime);
    }

    ConnectionRegistry(LongSupplier clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Starts a request by {@code user} on {@code connectionId}, claiming the connection if nobody
     * owns it. Returns false, and starts nothing, if another user owns it.
     */
    boolean enter(String connectionId, String user) {
        requireNonNull(connectionId, "connectionId is null");
        requireNonNull(user, "user is null");
        boolean[] allowed = {false};
        connections.compute(connectionId, (id, entry) -> {
            long now = clock.getAsLong();
            Entry e = entry == null ? new Entry(user, now) : entry;
            if (e.user.equals(user)) {
                e.running++;
                e.lastUsed = now;
                allowed[0] = true;
            }
            return e;
        });
        return allowed[0];
    }

    /** Ends a request started by {@link #enter}. */
    void exit(String connectionId) {
        connections.computeIfPresent(connectionId, (id, e) -> {
            e.running = Math.max(0, e.running - 1);
            e.lastUsed = clock.getAsLong();
            return e;
        });
    }

    /** Whether {@code user} owns the open connection {@code connectionId}. */
    boolean owns(String connectionId, String user) {
        Entry e = connections.get(connectionId);
        return e != null && e.user.equals(user);
    }

    /**
     * Lets the connection go on with the password {@code key} stands for, after its own request
     * changed the password of its user: the client still holds the old one. Only on this
     * connection, only for its owner, and only until it closes.
     */
    void keepPreviousPassword(String connectionId, String user, String key) {
        requireNonNull(key, "key is null");
        if (connectionId == null) {
            return;
        }
        connections.computeIfPresent(connectionId, (id, e) -> {
            if (e.user.equals(user)) {
                e.previousPassword = key;
                usersWithPreviousPasswords.add(user);
            }
            return e;
        });
    }

    /** Whether some connection of {@code user} goes on with a previous password. */
    boolean keepsPreviousPassword(String user) {
        return usersWithPreviousPasswords.contains(user);
    }

    /** Whether {@code user}'s connection {@code connectionId} goes on with the password {@code key} stands for. */
    boolean acceptsPreviousPassword(String connectionId, String user, String key) {
        Entry e = connections.get(connectionId);
        return e != null
                && e.user.equals(user)
                && e.previousPassword != null
                && java.security.MessageDigest.isEqual(
                        e.previousPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    void remove(String connectionId) {
        connections.remove(connectionId);
    }

    /** Removes and returns the connections idle for longer than {@code idleNanos} with no request running. */
    List<String> removeIdle(long idleNanos) {
        List<String> removed = new ArrayList<>();
        long now = clock.getAsLong();
        for (String id : List.copyOf(connections.keySet())) {
            connections.computeIfPresent(id, (key, e) -> {
                if (e.running == 0 && now - e.lastUsed > idleNanos) {
                    removed.add(key);
                    return null;
                }
                return e;
            });
        }
        return removed;
    }

    /** Every open connection id. */
    List<String> ids() {
        return List.copyOf(connections.keySet());
    }

    int size() {
        return connections.size();
    }
}
