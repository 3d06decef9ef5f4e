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
        // The same size and digits as DatabaseMetaData.getColumns reports for a column of this type.
        Integer size = columnSize(type);
        Integer digits = decimalDigits(type);
        int precision = size == null ? 0 : size;
        int scale = digits == null ? 0 : digits;
        if (name == SqlTypeName.TIMESTAMP || name == SqlTypeName.TIME) {
            // Avatica formats a timestamp's text with as many fractional digits as its precision:
            // the wire carries those digits, and the drivers' ResultSetMetaData reports the JDBC
            // size and scale (VeilResultSetMetaData, EmbeddedResultSetMetaData).
            precision = scale;
            scale = 0;
        }
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

    /**
     * The JDBC column size of a type (getColumns' COLUMN_SIZE, getTypeInfo's PRECISION and
     * ResultSetMetaData's precision): the digits of a number, the characters of a text (65536 for
     * VARCHAR, whose length is not limited), the characters of a date's or timestamp's text form;
     * null where it does not apply.
     */
    static Integer columnSize(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> 1;
            case TINYINT -> 3;
            case SMALLINT -> 5;
            case INTEGER -> 10;
            case BIGINT -> 19;
            case DECIMAL -> type.getPrecision();
            case REAL, FLOAT, DOUBLE -> 15;
            case CHAR, VARCHAR -> type.getPrecision() > 0 ? type.getPrecision() : 65536;
            case DATE -> 10;
            case TIME -> 12;
            case TIMESTAMP -> 23;
            default -> type.getPrecision() > 0 ? type.getPrecision() : null;
        };
    }

    /** The digits after the point of a type (getColumns' DECIMAL_DIGITS); null where it does not apply. */
    static Integer decimalDigits(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> 0;
            case DECIMAL -> Math.max(type.getScale(), 0);
            case TIME, TIMESTAMP -> 3;
            default -> null;
        };
    }

    /** The radix of a number's COLUMN_SIZE (decimal digits, for floating point too); null for other types. */
    static Integer radix(SqlTypeName name) {
        return switch (name) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL, REAL, FLOAT, DOUBLE -> 10;
            default -> null;
        };
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

    /** The class {@code getObject} returns for a JDBC type: boxed ({@code java.lang.Integer}, not {@code int}). */
    static String columnClassName(int jdbcType) {
        try {
            return SqlType.valueOf(jdbcType).boxedClass().getName();
        } catch (RuntimeException e) {
            return Object.class.getName();
        }
    }
}
