package dev.veil.schema;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** Conversions between Veil's column types and Calcite's SQL types. */
public final class VeilTypes {
    private VeilTypes() {}

    /** The SQL type of a column type, with the given nullability. */
    public static RelDataType toRelType(RelDataTypeFactory factory, ColumnType type, boolean nullable) {
        RelDataType t = switch (type.type()) {
            case BOOLEAN -> factory.createSqlType(SqlTypeName.BOOLEAN);
            case INTEGER -> factory.createSqlType(SqlTypeName.INTEGER);
            case BIGINT -> factory.createSqlType(SqlTypeName.BIGINT);
            case DOUBLE -> factory.createSqlType(SqlTypeName.DOUBLE);
            case DECIMAL -> factory.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
            case VARCHAR -> factory.createSqlType(SqlTypeName.VARCHAR);
            case DATE -> factory.createSqlType(SqlTypeName.DATE);
            case TIMESTAMP -> factory.createSqlType(SqlTypeName.TIMESTAMP, 3);
        };
        return factory.createTypeWithNullability(t, nullable);
    }

    /** The row type of a table's columns. */
    public static RelDataType toRowType(RelDataTypeFactory factory, List<Column> columns) {
        RelDataTypeFactory.Builder builder = factory.builder();
        for (Column c : columns) {
            builder.add(c.name(), toRelType(factory, c.type(), c.nullable()));
        }
        return builder.build();
    }

    /**
     * The column type that stores values of a SQL type, for {@code CREATE TABLE AS} and inserts;
     * NOT_SUPPORTED names the column for types Veil cannot store.
     */
    public static ColumnType toColumnType(RelDataType type, String columnName) {
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> ColumnType.of(VeilType.BOOLEAN);
            case TINYINT, SMALLINT, INTEGER -> ColumnType.of(VeilType.INTEGER);
            case BIGINT -> ColumnType.of(VeilType.BIGINT);
            case FLOAT, REAL, DOUBLE -> ColumnType.of(VeilType.DOUBLE);
            case DECIMAL -> ColumnType.decimal(Math.max(1, type.getPrecision()), Math.max(0, type.getScale()));
            case CHAR, VARCHAR -> ColumnType.of(VeilType.VARCHAR);
            case DATE -> ColumnType.of(VeilType.DATE);
            case TIMESTAMP -> ColumnType.of(VeilType.TIMESTAMP);
            case NULL -> ColumnType.of(VeilType.VARCHAR);
            default ->
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Column '" + columnName + "' has type " + type.getFullTypeString()
                                + ", which Veil cannot store");
        };
    }
}
