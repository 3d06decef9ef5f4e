package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

/**
 * Where the rows of a foreign table live: a table of a remote database reached through a
 * connection. The table itself (its name, columns, policies) is an ordinary catalog table.
 *
 * @param tableId the catalog id of the foreign table
 * @param connection the name of its connection
 * @param remoteSchema the remote schema (for Trino {@code catalog.schema})
 * @param remoteTable the remote table's name
 * @param rowCount the remote's estimate of the table's rows when last read (for planning only)
 */
public record ForeignTableDef(long tableId, String connection, String remoteSchema, String remoteTable, long rowCount) {
    public ForeignTableDef {
        requireNonNull(connection, "connection is null");
        requireNonNull(remoteSchema, "remoteSchema is null");
        requireNonNull(remoteTable, "remoteTable is null");
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount is negative: " + rowCount);
        }
    }

    /** The remote's qualified name, {@code schema.table}. */
    public String remoteName() {
        return remoteSchema + "." + remoteTable;
    }
}
