package dev.veil.server;

import dev.veil.ErrorCode;
import dev.veil.VeilException;

/**
 * The user the server authenticated for the HTTP request this thread is handling. Avatica runs
 * each request on the thread that received it, so a session opened while handling a request
 * belongs to that request's user, whatever the client claims in its connection properties.
 */
final class RequestUser {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private RequestUser() {}

    /** Binds {@code user} to this thread until the returned scope closes. */
    static Scope bind(String user) {
        String previous = CURRENT.get();
        CURRENT.set(user);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The authenticated user; fails closed when no request is being handled on this thread. */
    static String require() {
        String user = CURRENT.get();
        if (user == null) {
            throw new VeilException(ErrorCode.AUTHENTICATION_FAILED, "No authenticated user for this request");
        }
        return user;
    }

    /** Restores the thread's previous user. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
