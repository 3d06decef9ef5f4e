package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A connection to a remote database as the catalog stores it. The password is a secret: it is
 * used only to open connections, and {@link #toString} leaves it out.
 *
 * @param name the connection's name
 * @param kind the kind of remote database
 * @param url its JDBC URL
 * @param user the user Veil connects as
 * @param password that user's password; empty when Veil connects without one (Trino only)
 */
public record ConnectionDef(String name, RemoteKind kind, String url, String user, String password) {
    public ConnectionDef {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(url, "url is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("connection name is empty");
        }
    }

    @Override
    public String toString() {
        return "ConnectionDef[" + name + ", " + kind + ", " + url + ", user " + user + "]";
    }
}
