package dev.veil.schema;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Veil's SQL type rules where they differ from Calcite's defaults: decimals of up to 38 digits (as
 * Arrow stores them), sums that widen instead of overflowing ({@code SUM(INTEGER)} is BIGINT,
 * {@code SUM(DECIMAL(p,s))} is DECIMAL(38,s)), and {@code AVG} of any number is DOUBLE (as in DuckDB;
 * Calcite's default truncates the average of integers to an integer), and text of different
 * lengths unifies to VARCHAR rather than blank-padded CHAR.
 */
public final class VeilTypeSystem extends RelDataTypeSystemImpl {
    public static final VeilTypeSystem INSTANCE = new VeilTypeSystem();

    private VeilTypeSystem() {}

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        if (typeName == SqlTypeName.DECIMAL) {
            return 38;
        }
        return super.getMaxPrecision(typeName);
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        if (typeName == SqlTypeName.DECIMAL) {
            return 38;
        }
        return super.getMaxScale(typeName);
    }

    @Override
    public int getDefaultPrecision(SqlTypeName typeName) {
        if (typeName == SqlTypeName.TIMESTAMP) {
            return 3;
        }
        return super.getDefaultPrecision(typeName);
    }

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        switch (argumentType.getSqlTypeName()) {
            case TINYINT:
            case SMALLINT:
            case INTEGER:
                return typeFactory.createTypeWithNullability(
                        typeFactory.createSqlType(SqlTypeName.BIGINT), argumentType.isNullable());
            case DECIMAL:
                return typeFactory.createTypeWithNullability(
                        typeFactory.createSqlType(SqlTypeName.DECIMAL, 38, argumentType.getScale()),
                        argumentType.isNullable());
            default:
                return super.deriveSumType(typeFactory, argumentType);
        }
    }

    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        if (SqlTypeUtil.isNumeric(argumentType)) {
            return typeFactory.createTypeWithNullability(
                    typeFactory.createSqlType(SqlTypeName.DOUBLE), argumentType.isNullable());
        }
        return super.deriveAvgAggType(typeFactory, argumentType);
    }

    /** {@code CASE WHEN .. THEN 'a' ELSE 'bcd' END} is VARCHAR, not a blank-padded CHAR(3). */
    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }

    @Override
    public RelDataType deriveCovarType(RelDataTypeFactory typeFactory, RelDataType arg0Type, RelDataType arg1Type) {
        return typeFactory.createTypeWithNullability(
                typeFactory.createSqlType(SqlTypeName.DOUBLE), arg0Type.isNullable() || arg1Type.isNullable());
    }
}
