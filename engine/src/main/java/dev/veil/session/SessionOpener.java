package dev.veil.session;

import java.util.Map;

/**
 * Decides who a new connection's session belongs to. The embedded driver trusts the caller (it
 * can read the warehouse files anyway); the server uses the user it authenticated, never a name
 * the client merely claims.
 */
@FunctionalInterface
public interface SessionOpener {
    Session open(String connectionId, Map<String, String> info);
}
