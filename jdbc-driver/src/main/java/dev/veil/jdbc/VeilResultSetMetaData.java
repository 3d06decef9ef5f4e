package dev.veil.jdbc;

import java.sql.SQLException;
import java.sql.Types;
import org.apache.calcite.avatica.AvaticaResultSetMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's result-set metadata, with the JDBC size of times and timestamps: Avatica carries a
 * TIMESTAMP's fractional digits as its precision (and formats its text with that many), while
 * JDBC's precision is the characters of its text form and its scale the fractional digits, as
 * DatabaseMetaData.getColumns reports them (TIMESTAMP 23 and 3, TIME 12 and 3).
 */
final class VeilResultSetMetaData extends AvaticaResultSetMetaData {
    VeilResultSetMetaData(AvaticaStatement statement, Meta.Signature signature) {
        super(statement, null, signature);
    }

    @Override
    public int getPrecision(int column) throws SQLException {
        int digits = super.getPrecision(column);
        return switch (getColumnType(column)) {
            case Types.TIMESTAMP -> digits > 0 ? 20 + digits : 19;
            case Types.TIME -> digits > 0 ? 9 + digits : 8;
            default -> digits;
        };
    }

    @Override
    public int getScale(int column) throws SQLException {
        return switch (getColumnType(column)) {
            case Types.TIMESTAMP, Types.TIME -> super.getPrecision(column);
            default -> super.getScale(column);
        };
    }
}
