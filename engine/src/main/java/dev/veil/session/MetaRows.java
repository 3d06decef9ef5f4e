package dev.veil.session;

import dev.veil.sql.PlannerContext;
import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlOperator;

/**
 * The rows of Veil's DatabaseMetaData result sets whose Avatica classes lack a field Veil fills
 * (REMARKS, CREATE_PARAMS). As in Avatica, each public field is a column, in declaration order,
 * named by its JDBC name ({@code tableSchem} is TABLE_SCHEM).
 */
final class MetaRows {
    private MetaRows() {}

    /** A row of getTables. */
    public static final class TableRow {
        public final String tableCat = VeilMeta.CATALOG;
        public final String tableSchem;
        public final String tableName;
        public final String tableType;
        public final String remarks;
        public final String typeCat = null;
        public final String typeSchem = null;
        public final String typeName = null;
        public final String selfReferencingColName = null;
        public final String refGeneration = null;

        TableRow(String schema, String table, String type, String remarks) {
            this.tableSchem = schema;
            this.tableName = table;
            this.tableType = type;
            this.remarks = remarks;
        }
    }

    /** A row of getColumns. */
    public static final class ColumnRow {
        public final String tableCat = VeilMeta.CATALOG;
        public final String tableSchem;
        public final String tableName;
        public final String columnName;
        public final int dataType;
        public final String typeName;
        public final Integer columnSize;
        public final Integer bufferLength = null;
        public final Integer decimalDigits;
        public final Integer numPrecRadix;
        public final int nullable;
        public final String remarks;
        public final String columnDef = null;
        public final Integer sqlDataType = null;
        public final Integer sqlDatetimeSub = null;
        public final Integer charOctetLength;
        public final int ordinalPosition;
        public final String isNullable;
        public final String scopeCatalog = null;
        public final String scopeSchema = null;
        public final String scopeTable = null;
        public final Short sourceDataType = null;
        public final String isAutoincrement = "NO";
        public final String isGeneratedcolumn = "NO";

        @SuppressWarnings("checkstyle:ParameterNumber")
        ColumnRow(
                String schema,
                String table,
                String column,
                int dataType,
                String typeName,
                Integer columnSize,
                Integer decimalDigits,
                Integer numPrecRadix,
                int nullable,
                String remarks,
                Integer charOctetLength,
                int ordinalPosition,
                String isNullable) {
            this.tableSchem = schema;
            this.tableName = table;
            this.columnName = column;
            this.dataType = dataType;
            this.typeName = typeName;
            this.columnSize = columnSize;
            this.decimalDigits = decimalDigits;
            this.numPrecRadix = numPrecRadix;
            this.nullable = nullable;
            this.remarks = remarks;
            this.charOctetLength = charOctetLength;
            this.ordinalPosition = ordinalPosition;
            this.isNullable = isNullable;
        }
    }

    /** A row of getImportedKeys, getExportedKeys and getCrossReference: one privacy unit path. */
    public static final class KeyRow {
        public final String pktableCat = VeilMeta.CATALOG;
        public final String pktableSchem;
        public final String pktableName;
        public final String pkcolumnName;
        public final String fktableCat = VeilMeta.CATALOG;
        public final String fktableSchem;
        public final String fktableName;
        public final String fkcolumnName;
        public final short keySeq = 1;
        public final short updateRule = DatabaseMetaData.importedKeyNoAction;
        public final short deleteRule = DatabaseMetaData.importedKeyNoAction;
        public final String fkName;
        public final String pkName = null;
        public final short deferability = DatabaseMetaData.importedKeyNotDeferrable;

        KeyRow(
                String pkSchema,
                String pkTable,
                String pkColumn,
                String fkSchema,
                String fkTable,
                String fkColumn,
                String fkName) {
            this.pktableSchem = pkSchema;
            this.pktableName = pkTable;
            this.pkcolumnName = pkColumn;
            this.fktableSchem = fkSchema;
            this.fktableName = fkTable;
            this.fkcolumnName = fkColumn;
            this.fkName = fkName;
        }
    }

    /** A row of getFunctions. */
    public static final class FunctionRow {
        public final String functionCat = VeilMeta.CATALOG;
        public final String functionSchem = null;
        public final String functionName;
        public final String remarks;
        public final short functionType = DatabaseMetaData.functionNoTable;
        public final String specificName;

        FunctionRow(String name, String remarks) {
            this.functionName = name;
            this.remarks = remarks;
            this.specificName = name;
        }
    }

    /** The functions statements may call, by name, with what kind of function each is; sorted by name. */
    static final class Functions {
        private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
        /**
         * Calcite's internal operators (planner helpers, one variant per JSON NULL clause) and
         * its streaming group-window functions, which are not for statements.
         */
        private static final java.util.Set<String> INTERNAL = java.util.Set.of(
                "SINGLE_VALUE",
                "TRANSLATE3",
                "VARIANTNULL",
                "HOP",
                "HOP_START",
                "HOP_END",
                "TUMBLE",
                "TUMBLE_START",
                "TUMBLE_END",
                "SESSION",
                "SESSION_START",
                "SESSION_END");

        static final Map<String, String> ALL = all();

        private Functions() {}

        private static Map<String, String> all() {
            Map<String, String> functions = new TreeMap<>();
            for (SqlOperator op : PlannerContext.operatorTable().getOperatorList()) {
                if (!(op instanceof SqlFunction f)
                        || !NAME.matcher(op.getName()).matches()
                        || INTERNAL.contains(op.getName())
                        || op.getName().endsWith("_ON_NULL")
                        || f.getFunctionType().isTableFunction()
                        || f.getFunctionType().isUserDefined()) {
                    continue;
                }
                String kind = op.requiresOver()
                        ? "window function"
                        : op instanceof SqlAggFunction
                                ? "aggregate function (on protected tables: privacy rules apply)"
                                : "scalar function";
                functions.putIfAbsent(op.getName(), kind);
            }
            return Collections.unmodifiableMap(functions);
        }
    }

    /** A row of getTypeInfo. */
    public static final class TypeInfoRow {
        public final String typeName;
        public final int dataType;
        public final Integer precision;
        public final String literalPrefix;
        public final String literalSuffix;
        public final String createParams;
        public final short nullable = DatabaseMetaData.typeNullable;
        public final boolean caseSensitive;
        public final short searchable = DatabaseMetaData.typeSearchable;
        public final boolean unsignedAttribute = false;
        public final boolean fixedPrecScale = false;
        public final boolean autoIncrement = false;
        public final String localTypeName;
        public final Short minimumScale;
        public final Short maximumScale;
        public final Integer sqlDataType = null;
        public final Integer sqlDatetimeSub = null;
        public final Integer numPrecRadix;

        @SuppressWarnings("checkstyle:ParameterNumber")
        TypeInfoRow(
                String typeName,
                int dataType,
                Integer precision,
                String literalPrefix,
                String createParams,
                String localTypeName,
                Short minimumScale,
                Short maximumScale,
                Integer numPrecRadix) {
            this.typeName = typeName;
            this.dataType = dataType;
            this.precision = precision;
            this.literalPrefix = literalPrefix;
            this.literalSuffix = literalPrefix == null ? null : "'";
            this.createParams = createParams;
            this.caseSensitive = dataType == Types.VARCHAR || dataType == Types.CHAR;
            this.localTypeName = localTypeName;
            this.minimumScale = minimumScale;
            this.maximumScale = maximumScale;
            this.numPrecRadix = numPrecRadix;
        }

        private static TypeInfoRow number(String name, int type, int precision, String local) {
            return new TypeInfoRow(name, type, precision, null, null, local, (short) 0, (short) 0, 10);
        }

        /**
         * Every type name Veil accepts (docs/sql-reference.md, Types), the aliases with the name of
         * the type they stand for as LOCAL_TYPE_NAME; sizes as getColumns reports them.
         */
        static final List<TypeInfoRow> ALL = List.of(
                new TypeInfoRow("BOOLEAN", Types.BOOLEAN, 1, null, null, "BOOLEAN", null, null, null),
                number("INTEGER", Types.INTEGER, 10, "INTEGER"),
                number("INT", Types.INTEGER, 10, "INTEGER"),
                number("BIGINT", Types.BIGINT, 19, "BIGINT"),
                new TypeInfoRow(
                        "DECIMAL", Types.DECIMAL, 38, null, "precision,scale", "DECIMAL", (short) 0, (short) 38, 10),
                new TypeInfoRow(
                        "NUMERIC", Types.NUMERIC, 38, null, "precision,scale", "DECIMAL", (short) 0, (short) 38, 10),
                number("DOUBLE", Types.DOUBLE, 15, "DOUBLE"),
                number("DOUBLE PRECISION", Types.DOUBLE, 15, "DOUBLE"),
                number("FLOAT", Types.FLOAT, 15, "DOUBLE"),
                number("REAL", Types.REAL, 15, "DOUBLE"),
                new TypeInfoRow("VARCHAR", Types.VARCHAR, 65536, "'", "length", "VARCHAR", null, null, null),
                new TypeInfoRow("TEXT", Types.VARCHAR, 65536, "'", null, "VARCHAR", null, null, null),
                new TypeInfoRow("CHAR", Types.CHAR, 65536, "'", "length", "VARCHAR", null, null, null),
                new TypeInfoRow("DATE", Types.DATE, 10, "DATE '", null, "DATE", null, null, null),
                new TypeInfoRow(
                        "TIMESTAMP",
                        Types.TIMESTAMP,
                        23,
                        "TIMESTAMP '",
                        null,
                        "TIMESTAMP",
                        (short) 3,
                        (short) 3,
                        null));
    }
}
