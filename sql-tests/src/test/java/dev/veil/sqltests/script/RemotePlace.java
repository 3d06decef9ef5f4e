package dev.veil.sqltests.script;

import java.util.List;

/**
 * Where {@link ForeignFixtures} places a fixture's tables: a remote database that runs the
 * fixture's {@code CREATE SCHEMA}, {@code CREATE TABLE} and {@code INSERT} statements (in its own
 * dialect) and that Veil reaches through a connection, importing each remote schema into the
 * fixture's own schema name.
 */
public interface RemotePlace {
    /** The statement that creates Veil's connection named {@code name} to this place. */
    String createConnection(String name);

    /** The remote schema (as {@code IMPORT FOREIGN SCHEMA} names it) holding the fixture's schema {@code schema}. */
    String remoteSchema(String schema);

    /** Runs the fixture's remote statements (as the fixture writes them: schemas and tables unqualified by place). */
    void run(List<String> statements);
}
