package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One step of a privacy unit lookup along a foreign key, as the privacy rewrite builds it: each
 * input row keeps its first {@code keptFields} fields and gains one more, the smallest non-NULL
 * value of {@code nextColumn} among the rows of the stored table (all of them, whatever the
 * principal may see) whose {@code keyColumn} equals the row's {@code keyField}; NULL when the
 * key is NULL or has no such row. It computes exactly what a left join of the input with
 * {@code SELECT key, MIN(next) FROM table GROUP BY key} computes, without re-aggregating the
 * table per query (see {@code UnitMaps} of {@code exec}).
 *
 * <p>No optimizer rule knows this node, so none moves a filter, projection or join across it.
 * It is built only for keys whose equality is plain value equality: both sides integral (any
 * width), or the same type among VARCHAR, DATE, TIMESTAMP, BOOLEAN and DECIMAL
 * ({@link #supports}).
 */
public class UnitLookup extends SingleRel {
    private final RelOptTable table;
    private final int keyField;
    private final int keptFields;
    private final int keyColumn;
    private final int nextColumn;
    private final String unitName;

    protected UnitLookup(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode input,
            RelOptTable table,
            int keyField,
            int keptFields,
            int keyColumn,
            int nextColumn,
            String unitName) {
        super(cluster, traits, input);
        this.table = requireNonNull(table, "table is null");
        this.unitName = requireNonNull(unitName, "unitName is null");
        int fields = input.getRowType().getFieldCount();
        int columns = table.getRowType().getFieldCount();
        if (keyField < 0 || keyField >= fields || keptFields < 0 || keptFields > fields) {
            throw new IllegalArgumentException("key field " + keyField + " or kept fields " + keptFields
                    + " out of range for an input of " + fields + " fields");
        }
        if (keyColumn < 0 || keyColumn >= columns || nextColumn < 0 || nextColumn >= columns) {
            throw new IllegalArgumentException(
                    "column " + keyColumn + " or " + nextColumn + " out of range for " + table.getQualifiedName());
        }
        if (table.unwrap(StoredTable.class) == null) {
            throw new IllegalArgumentException(table.getQualifiedName() + " is not a stored table");
        }
        if (!supports(
                input.getRowType().getFieldList().get(keyField).getType(),
                table.getRowType().getFieldList().get(keyColumn).getType())) {
            throw new IllegalArgumentException("key types of field " + keyField + " and column " + keyColumn + " of "
                    + table.getQualifiedName() + " do not compare as plain values");
        }
        this.keyField = keyField;
        this.keptFields = keptFields;
        this.keyColumn = keyColumn;
        this.nextColumn = nextColumn;
    }

    /**
     * A logical lookup step over {@code input}: keeps its first {@code keptFields} fields and adds
     * the looked-up value, named {@code unitName}.
     *
     * @param table the stored table looked up (its scan, not a principal's view)
     * @param keyField the input field holding the key
     * @param keyColumn the position of the key column in {@code table}
     * @param nextColumn the position of the column whose value is looked up
     */
    public static UnitLookup create(
            RelNode input,
            RelOptTable table,
            int keyField,
            int keptFields,
            int keyColumn,
            int nextColumn,
            String unitName) {
        RelOptCluster cluster = input.getCluster();
        return new UnitLookup(
                cluster,
                cluster.traitSetOf(Convention.NONE),
                input,
                table,
                keyField,
                keptFields,
                keyColumn,
                nextColumn,
                unitName);
    }

    /**
     * Whether a key of type {@code field} can be looked up in a key column of type {@code column}
     * by value equality, as an equi-join (after casting both to a common type) would match them.
     */
    public static boolean supports(RelDataType field, RelDataType column) {
        SqlTypeName a = field.getSqlTypeName();
        SqlTypeName b = column.getSqlTypeName();
        if (integral(a) && integral(b)) {
            return true;
        }
        return a == b
                && (a == SqlTypeName.VARCHAR
                        || a == SqlTypeName.DATE
                        || a == SqlTypeName.TIMESTAMP
                        || a == SqlTypeName.BOOLEAN
                        || a == SqlTypeName.DECIMAL);
    }

    static boolean integral(SqlTypeName type) {
        return type == SqlTypeName.TINYINT
                || type == SqlTypeName.SMALLINT
                || type == SqlTypeName.INTEGER
                || type == SqlTypeName.BIGINT;
    }

    public RelOptTable table() {
        return table;
    }

    public int keyField() {
        return keyField;
    }

    public int keptFields() {
        return keptFields;
    }

    public int keyColumn() {
        return keyColumn;
    }

    public int nextColumn() {
        return nextColumn;
    }

    public String unitName() {
        return unitName;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new UnitLookup(
                getCluster(), traitSet, sole(inputs), table, keyField, keptFields, keyColumn, nextColumn, unitName);
    }

    @Override
    protected RelDataType deriveRowType() {
        RelDataTypeFactory types = getCluster().getTypeFactory();
        RelDataTypeFactory.Builder builder = types.builder();
        List<RelDataTypeField> fields = getInput().getRowType().getFieldList();
        for (int i = 0; i < keptFields; i++) {
            builder.add(fields.get(i));
        }
        RelDataType next = table.getRowType().getFieldList().get(nextColumn).getType();
        builder.add(unitName, types.createTypeWithNullability(next, true));
        return builder.uniquify().build();
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        List<String> columns = table.getRowType().getFieldNames();
        return super.explainTerms(pw)
                .item("table", table.getQualifiedName())
                .item("key", "$" + keyField + " = " + columns.get(keyColumn))
                .item("lookup", "MIN(" + columns.get(nextColumn) + ")")
                .item("kept", keptFields);
    }
}
