package dev.veil.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;

/**
 * A connection whose failures to prepare a statement carry the server's message (Avatica's own
 * says only "while preparing SQL" and echoes the statement), SQLSTATE and code.
 */
final class VeilConnection extends AvaticaConnection {
    VeilConnection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
        super(driver, factory, url, info);
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
