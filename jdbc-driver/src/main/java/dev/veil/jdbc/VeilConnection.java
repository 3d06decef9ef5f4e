package dev.veil.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.remote.MetaDataOperation;

/**
 * A connection whose failures to prepare a statement carry the server's message (Avatica's own
 * says only "while preparing SQL" and echoes the statement), SQLSTATE and code.
 */
final class VeilConnection extends AvaticaConnection implements FileUploads {
    /** An upload may take long: a large file on a slow network, and the server writes it to disk. */
    private static final int UPLOAD_TIMEOUT_MILLIS = 3_600_000;

    /** Counts the statements this connection named itself; see {@link #createStatement(int, int, int)}. */
    private final AtomicInteger namedStatements = new AtomicInteger();

    VeilConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
        super(driver, factory, url, info);
    }

    /**
     * A new statement, without a request: when the server takes statements that clients name (it
     * says so on every answer), the statement gets a negative id of this connection's own choosing,
     * and the server opens it with the request that first executes SQL text on it. An older server
     * creates it on a request of its own, as Avatica's driver does.
     */
    @Override
    public AvaticaStatement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        if (!(getService() instanceof VeilService service) || !service.serverTakesNamedStatements()) {
            return super.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
        }
        return factory.newStatement(
                this,
                new Meta.StatementHandle(id, nextNamedStatementId(), null),
                resultSetType,
                resultSetConcurrency,
                resultSetHoldability);
    }

    /** A negative statement id that no open statement of this connection has. */
    private int nextNamedStatementId() {
        while (true) {
            // -1, -2, ... down to Integer.MIN_VALUE, then again from -1.
            int id = -1 - (namedStatements.getAndIncrement() & Integer.MAX_VALUE);
            if (!statementMap.containsKey(id)) {
                return id;
            }
        }
    }

    /** Streams a file to the server's upload area (admins only); see {@link FileUploads}. */
    @Override
    public String upload(Path file) throws SQLException {
        checkOpen();
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new SQLException("Cannot read '" + file + "': " + e.getMessage(), "58030", e);
        }
        try {
            HttpURLConnection http = ServerRequests.open(
                    this,
                    "veil/upload?name=" + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8),
                    UPLOAD_TIMEOUT_MILLIS);
            try {
                http.setFixedLengthStreamingMode(size);
                http.setRequestProperty("Content-Type", "application/octet-stream");
                try (OutputStream out = http.getOutputStream()) {
                    Files.copy(file, out);
                }
                int status = http.getResponseCode();
                String answer;
                try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                    answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                }
                if (status != 200) {
                    throw new SQLException(
                            "The server refused the upload of '" + file + "' (HTTP " + status + "): " + answer,
                            status == 403 ? "42501" : "58030");
                }
                return answer;
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            throw new SQLException("Cannot upload '" + file + "': " + e.getMessage(), "08006", e);
        }
    }

    /**
     * Sends one of Veil's metadata requests (see {@link VeilDatabaseMetaData}) in getTables' type
     * list, and returns its answer.
     */
    ResultSet metadataRequest(String catalog, String schema, String table, List<String> request) throws SQLException {
        checkOpen();
        try {
            Meta.MetaResultSet answer =
                    meta.getTables(handle, catalog, Meta.Pat.of(schema), Meta.Pat.of(table), request);
            return createResultSet(
                    answer,
                    new QueryState(
                            MetaDataOperation.GET_TABLES, catalog, schema, table, request.toArray(new String[0])));
        } catch (RuntimeException e) {
            throw Errors.toSqlException(e);
        }
    }

    /** Veil has one catalog. */
    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return "veil";
    }

    /** The session's schema, asked of the server (a {@code SET SCHEMA} statement changes it too). */
    @Override
    public String getSchema() throws SQLException {
        return schemaRequest(List.of(VeilDatabaseMetaData.REQUEST + "schema"));
    }

    /** Makes {@code schema} the session's schema on the server; UNKNOWN_SCHEMA (3F000) if it does not exist. */
    @Override
    public void setSchema(String schema) throws SQLException {
        if (schema == null) {
            throw new SQLException("The schema is null", "22023");
        }
        schemaRequest(List.of(VeilDatabaseMetaData.REQUEST + "schema", schema));
    }

    private String schemaRequest(List<String> request) throws SQLException {
        try (ResultSet rs = metadataRequest(null, null, null, request)) {
            if (!rs.next()) {
                throw new SQLException("The server did not answer with the session's schema", "08006");
            }
            return rs.getString("TABLE_SCHEM");
        }
    }

    /** An empty map: Veil has no user-defined types (Avatica's is unsupported, and tools call it). */
    @Override
    public java.util.Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return new java.util.HashMap<>();
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        if (map != null && !map.isEmpty()) {
            throw new java.sql.SQLFeatureNotSupportedException("Veil has no user-defined types to map");
        }
    }

    @Override
    public PreparedStatement prepareStatement(
            String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        Meta.StatementHandle h;
        try {
            h = meta.prepare(handle, sql, -1);
        } catch (RuntimeException e) {
            throw Errors.toSqlException(e);
        }
        return factory.newPreparedStatement(
                this, h, h.signature, resultSetType, resultSetConcurrency, resultSetHoldability);
    }
}
