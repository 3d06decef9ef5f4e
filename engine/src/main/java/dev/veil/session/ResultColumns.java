package dev.veil.session;

import dev.veil.sql.ResultColumn;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.SqlType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * JDBC column metadata for Veil's SQL types. The value representation ({@code Rep}) matches the
 * values the engine produces, so Avatica converts them: DATE travels as days (INTEGER),
 * TIMESTAMP as milliseconds (LONG), DECIMAL as BigDecimal.
 */
final class ResultColumns {
    private ResultColumns() {}

    static List<ColumnMetaData> metaData(List<ResultColumn> columns) {
        List<ColumnMetaData> list = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            list.add(metaData(i, columns.get(i)));
        }
        return list;
    }

    static ColumnMetaData metaData(int ordinal, ResultColumn column) {
        RelDataType type = column.type();
        SqlTypeName name = type.getSqlTypeName();
        int jdbcType = jdbcType(name);
        ColumnMetaData.AvaticaType avaticaType = ColumnMetaData.scalar(jdbcType, typeName(name), rep(name));
        int precision = type.getPrecision() < 0 ? 0 : type.getPrecision();
        int scale = type.getScale() < 0 ? 0 : type.getScale();
        return new ColumnMetaData(
                ordinal,
                false,
                true,
                true,
                false,
                type.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                isSigned(name),
                displaySize(type),
                column.name(),
                column.name(),
                null,
                precision,
                scale,
                null,
                null,
                avaticaType,
                true,
                false,
                false,
                columnClassName(jdbcType));
    }

    /** The JDBC description of a parameter ({@code ?}) of type {@code type}. */
    static AvaticaParameter parameter(int ordinal, RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        int jdbcType = jdbcType(name);
        return new AvaticaParameter(
                isSigned(name),
                Math.max(type.getPrecision(), 0),
                Math.max(type.getScale(), 0),
                jdbcType,
                typeName(name),
                columnClassName(jdbcType),
                "?" + ordinal);
    }

    static int jdbcType(SqlTypeName name) {
        return switch (name) {
            case CHAR, VARCHAR -> Types.VARCHAR;
            case NULL -> Types.NULL;
            default -> name.getJdbcOrdinal();
        };
    }

    static String typeName(SqlTypeName name) {
        return switch (name) {
            case CHAR -> "VARCHAR";
            default -> name.getName();
        };
    }

    private static ColumnMetaData.Rep rep(SqlTypeName name) {
        return switch (name) {
            case BOOLEAN -> ColumnMetaData.Rep.BOOLEAN;
            case TINYINT -> ColumnMetaData.Rep.BYTE;
            case SMALLINT -> ColumnMetaData.Rep.SHORT;
            case INTEGER, DATE, TIME -> ColumnMetaData.Rep.INTEGER;
            case BIGINT, TIMESTAMP -> ColumnMetaData.Rep.LONG;
            case REAL, FLOAT -> ColumnMetaData.Rep.FLOAT;
            case DOUBLE -> ColumnMetaData.Rep.DOUBLE;
            case DECIMAL -> ColumnMetaData.Rep.NUMBER;
            case CHAR, VARCHAR -> ColumnMetaData.Rep.STRING;
            default -> ColumnMetaData.Rep.OBJECT;
        };
    }

    private static boolean isSigned(SqlTypeName name) {
        return switch (name) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, REAL, FLOAT, DOUBLE, DECIMAL -> true;
            default -> false;
        };
    }

    private static int displaySize(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case BOOLEAN -> 5;
            case INTEGER -> 11;
            case BIGINT -> 20;
            case DOUBLE, REAL, FLOAT -> 24;
            case DECIMAL -> type.getPrecision() + 2;
            case DATE -> 10;
            case TIMESTAMP -> 23;
            case CHAR, VARCHAR -> type.getPrecision() > 0 ? type.getPrecision() : 65536;
            default -> 32;
        };
    }

    private static String columnClassName(int jdbcType) {
        try {
            return SqlType.valueOf(jdbcType).clazz.getName();
        } catch (RuntimeException e) {
            return Object.class.getName();
        }
    }
}
