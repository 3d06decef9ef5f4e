package dev.veil.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The warehouse's metadata store (SQLite {@code veil.db}): schemas, tables, columns and table
 * versions. Every method is one transaction; names are compared exactly (the SQL layer folds
 * unquoted identifiers to lower case before calling).
 *
 * <p>Implemented by {@link SqliteCatalog}.
 */
public interface Catalog extends AutoCloseable {
    List<String> schemas();

    boolean schemaExists(String schema);

    /** Creates a schema that nobody owns (an admin's); fails with ALREADY_EXISTS unless {@code ifNotExists}. */
    default void createSchema(String schema, boolean ifNotExists) {
        createSchema(schema, ifNotExists, Optional.empty());
    }

    /**
     * Creates a schema owned by {@code owner} (a user who is not an admin) or by nobody, in one
     * transaction with its owner; fails with ALREADY_EXISTS unless {@code ifNotExists}.
     */
    void createSchema(String schema, boolean ifNotExists, Optional<String> owner);

    /** The user who owns the schema; empty for a schema that an admin created, or none. */
    Optional<String> schemaOwner(String schema);

    /** The user who owns the table; empty for a table that an admin created, or none. */
    Optional<String> tableOwner(TableName name);

    /** The owners of the tables of one schema that users who are not admins created, by table name. */
    Map<String, String> tableOwners(String schema);

    /** Drops an empty schema; NOT_EMPTY if it holds tables, UNKNOWN_SCHEMA unless {@code ifExists}. */
    void dropSchema(String schema, boolean ifExists);

    /** The tables of one schema, ordered by name; UNKNOWN_SCHEMA if it does not exist. */
    List<TableDef> tables(String schema);

    Optional<TableDef> table(TableName name);

    /** The table of that name; UNKNOWN_TABLE (suggesting the nearest existing name) if there is none. */
    TableDef requireTable(TableName name);

    /**
     * Creates a table at version 0 (no segments). Fails with UNKNOWN_SCHEMA, or ALREADY_EXISTS
     * unless {@code ifNotExists} (then returns the existing definition).
     */
    default TableDef createTable(TableName name, List<Column> columns, boolean ifNotExists) {
        return createTable(name, columns, ifNotExists, Optional.empty());
    }

    /**
     * Creates a table as above, owned by {@code owner} (a user who is not an admin) or by nobody,
     * in one transaction with its owner: a crash never leaves a user's table without its owner.
     */
    TableDef createTable(TableName name, List<Column> columns, boolean ifNotExists, Optional<String> owner);

    /** Drops a table; its segment files become garbage. UNKNOWN_TABLE unless {@code ifExists}. */
    void dropTable(TableName name, boolean ifExists);

    /** The table's current committed version. */
    TableVersion currentVersion(long tableId);

    /**
     * Commits a new version of the table whose segment list is {@code segments}, in one
     * transaction, provided the current version is still {@code baseVersion}; otherwise fails
     * (a concurrent writer committed first) and changes nothing.
     */
    TableVersion commitVersion(long tableId, long baseVersion, List<SegmentInfo> segments);

    /**
     * Commits a new version of the table whose segments are the current ones followed by
     * {@code added}, in one transaction. Appends never conflict with each other.
     */
    TableVersion appendSegments(long tableId, List<SegmentInfo> added);

    /** Every segment path referenced by any current table version (for garbage collection). */
    Set<String> referencedSegments();

    @Override
    void close();
}
