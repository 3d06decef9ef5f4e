package dev.veil.session;

import static java.util.Objects.requireNonNull;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * Avatica's JDBC object factory for the embedded driver, except that a failed statement's error
 * does not repeat the statement's text (Avatica's does, and a statement may hold a password).
 */
final class EmbeddedFactory implements AvaticaFactory {
    private static final String ECHO = "Error while executing SQL \"";

    private final AvaticaFactory delegate;

    EmbeddedFactory(AvaticaFactory delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /** A statement whose errors carry Veil's message, SQLSTATE and code without the SQL echo. */
    private static final class Statement extends AvaticaStatement {
        Statement(AvaticaConnection connection, Meta.StatementHandle h, int type, int concurrency, int holdability) {
            super(connection, h, type, concurrency, holdability);
        }

        @Override
        protected void executeInternal(String sql) throws SQLException {
            try {
                super.executeInternal(sql);
            } catch (AvaticaSqlException e) {
                String message = e.getErrorMessage();
                String echo = ECHO + sql + "\": ";
                if (message == null || !message.startsWith(echo)) {
                    throw e;
                }
                throw new AvaticaSqlException(
                        message.substring(echo.length()),
                        e.getSQLState(),
                        e.getErrorCode(),
                        e.getStackTraces(),
                        e.getRemoteServer());
            }
        }
    }

    /** A connection whose type map is empty (Avatica's getTypeMap is unsupported; tools call it). */
    private static final class Connection extends AvaticaConnection {
        Connection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
            super(driver, factory, url, info);
        }

        /** Makes {@code schema} the session's schema; an unknown one fails with UNKNOWN_SCHEMA (3F000). */
        @Override
        public void setSchema(String schema) throws SQLException {
            if (schema == null) {
                throw new SQLException("The schema is null", "22023");
            }
            checkOpen();
            try {
                ((VeilMeta) meta).useSchema(handle, schema);
            } catch (AvaticaClientRuntimeException e) {
                throw new AvaticaSqlException(e.getMessage(), e.getSqlState(), e.getErrorCode(), List.of(), null);
            }
        }

        /** The session's schema (a {@code SET SCHEMA} statement changes it too). */
        @Override
        public String getSchema() throws SQLException {
            checkOpen();
            return ((VeilMeta) meta).schema(handle);
        }

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
    }

    @Override
    public int getJdbcMajorVersion() {
        return delegate.getJdbcMajorVersion();
    }

    @Override
    public int getJdbcMinorVersion() {
        return delegate.getJdbcMinorVersion();
    }

    @Override
    public AvaticaConnection newConnection(
            UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) throws SQLException {
        return new Connection(driver, factory, url, info);
    }

    @Override
    public AvaticaStatement newStatement(
            AvaticaConnection connection,
            Meta.StatementHandle h,
            int resultSetType,
            int resultSetConcurrency,
            int resultSetHoldability) {
        return new Statement(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public AvaticaPreparedStatement newPreparedStatement(
            AvaticaConnection connection,
            Meta.StatementHandle h,
            Meta.Signature signature,
            int resultSetType,
            int resultSetConcurrency,
            int resultSetHoldability)
            throws SQLException {
        return delegate.newPreparedStatement(
                connection, h, signature, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public AvaticaResultSet newResultSet(
            AvaticaStatement statement,
            QueryState state,
            Meta.Signature signature,
            TimeZone timeZone,
            Meta.Frame firstFrame)
            throws SQLException {
        return new EmbeddedResultSet(
                statement, state, signature, newResultSetMetaData(statement, signature), timeZone, firstFrame);
    }

    @Override
    public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
        return delegate.newDatabaseMetaData(connection);
    }

    @Override
    public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement, Meta.Signature signature)
            throws SQLException {
        return new EmbeddedResultSetMetaData(statement, signature);
    }
}
