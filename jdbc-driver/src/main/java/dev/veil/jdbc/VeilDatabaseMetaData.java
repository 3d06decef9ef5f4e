package dev.veil.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;

/**
 * Avatica's DatabaseMetaData, plus what Avatica's remote protocol does not carry: primary,
 * imported and exported keys, cross references and functions are asked of the server as Veil's
 * metadata requests ({@link VeilConnection#metadataRequest}), which the server answers with the
 * same rows as the embedded driver.
 */
final class VeilDatabaseMetaData extends AvaticaDatabaseMetaData {
    /** The server's prefix of a metadata request (VeilMeta.WIRE_REQUEST). */
    static final String REQUEST = "veil:";
    /** Stands for a null schema in a request's arguments (VeilMeta.WIRE_ANY). */
    static final String ANY = "veil:any";

    private final VeilConnection connection;

    VeilDatabaseMetaData(VeilConnection connection) {
        super(connection);
        this.connection = connection;
    }

    @Override
    public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
        return connection.metadataRequest(catalog, schema, table, List.of(REQUEST + "primary_keys"));
    }

    @Override
    public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
        return connection.metadataRequest(catalog, schema, table, List.of(REQUEST + "imported_keys"));
    }

    @Override
    public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
        return connection.metadataRequest(catalog, schema, table, List.of(REQUEST + "exported_keys"));
    }

    @Override
    public ResultSet getCrossReference(
            String parentCatalog,
            String parentSchema,
            String parentTable,
            String foreignCatalog,
            String foreignSchema,
            String foreignTable)
            throws SQLException {
        String catalog = parentCatalog != null ? parentCatalog : foreignCatalog;
        return connection.metadataRequest(
                catalog,
                null,
                null,
                List.of(
                        REQUEST + "cross_reference",
                        parentSchema == null ? ANY : parentSchema,
                        String.valueOf(parentTable),
                        foreignSchema == null ? ANY : foreignSchema,
                        String.valueOf(foreignTable)));
    }

    @Override
    public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
            throws SQLException {
        return connection.metadataRequest(catalog, schemaPattern, functionNamePattern, List.of(REQUEST + "functions"));
    }
}
