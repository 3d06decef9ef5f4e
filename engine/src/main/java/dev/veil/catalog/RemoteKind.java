package dev.veil.catalog;

/** The kinds of remote database a connection ({@code CREATE CONNECTION ... TYPE k}) can reach. */
public enum RemoteKind {
    POSTGRESQL,
    TRINO
}
