package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code ALTER TABLE s.t ALTER COLUMN c SET POLICY class [FOR ROLE r]}, where
 * class is {@code PUBLIC}, {@code HIDDEN}, {@code JOIN ONLY}, {@code AGGREGATE ONLY [BOUNDS
 * (lo, hi)]} or {@code MASKED USING mask}.
 */
public final class SqlSetColumnPolicy extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET COLUMN POLICY",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetColumnPolicy(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlIdentifier) operands.get(1),
                    Nodes.symbol(operands.get(2), ColumnPolicyClass.class),
                    Nodes.number(operands.get(3)),
                    Nodes.number(operands.get(4)),
                    mask(Nodes.symbol(operands.get(5), MaskFunction.class), Nodes.number(operands.get(6))),
                    (SqlIdentifier) operands.get(7)));

    private final SqlIdentifier table;
    private final SqlIdentifier column;
    private final ColumnPolicyClass policyClass;
    private final BigDecimal lowerBound;
    private final BigDecimal upperBound;
    private final ColumnMask mask;
    private final SqlIdentifier role;

    /**
     * Creates the node. The bounds are both null or both given, and only for
     * {@link ColumnPolicyClass#AGGREGATE_ONLY}; the mask is given exactly for
     * {@link ColumnPolicyClass#MASKED}; {@code role} is null for every non-admin role.
     */
    public SqlSetColumnPolicy(
            SqlParserPos pos,
            SqlIdentifier table,
            SqlIdentifier column,
            ColumnPolicyClass policyClass,
            BigDecimal lowerBound,
            BigDecimal upperBound,
            ColumnMask mask,
            SqlIdentifier role) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.column = requireNonNull(column, "column is null");
        this.policyClass = requireNonNull(policyClass, "policyClass is null");
        this.lowerBound = lowerBound;
        this.upperBound = upperBound;
        this.mask = mask;
        this.role = role;
        Nodes.checkTableName(table);
        Nodes.checkSimpleName(column);
        if ((lowerBound == null) != (upperBound == null)) {
            throw new IllegalArgumentException("bounds come in pairs");
        }
        if (lowerBound != null && policyClass != ColumnPolicyClass.AGGREGATE_ONLY) {
            throw new IllegalArgumentException("bounds belong to AGGREGATE ONLY, not " + policyClass);
        }
        if ((mask != null) != (policyClass == ColumnPolicyClass.MASKED)) {
            throw new IllegalArgumentException("a mask goes with MASKED and only with it");
        }
    }

    private static ColumnMask mask(MaskFunction function, BigDecimal argument) {
        if (function == null) {
            return null;
        }
        return argument == null ? ColumnMask.of(function) : ColumnMask.of(function, argument);
    }

    public SqlIdentifier table() {
        return table;
    }

    public SqlIdentifier column() {
        return column;
    }

    public ColumnPolicyClass policyClass() {
        return policyClass;
    }

    /** The lower bound of {@code AGGREGATE ONLY BOUNDS (lo, hi)}, if bounds were given. */
    public Optional<BigDecimal> lowerBound() {
        return Optional.ofNullable(lowerBound);
    }

    /** The upper bound of {@code AGGREGATE ONLY BOUNDS (lo, hi)}, if bounds were given. */
    public Optional<BigDecimal> upperBound() {
        return Optional.ofNullable(upperBound);
    }

    /** The mask of {@code MASKED USING mask}. */
    public Optional<ColumnMask> mask() {
        return Optional.ofNullable(mask);
    }

    /** The role of FOR ROLE; empty means every non-admin role. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.copyOf(Arrays.asList(
                table,
                column,
                Nodes.symbol(policyClass),
                Nodes.number(lowerBound),
                Nodes.number(upperBound),
                mask == null ? null : Nodes.symbol(mask.function()),
                mask == null ? null : Nodes.number(mask.argument().orElse(null)),
                role));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("ALTER COLUMN");
        column.unparse(writer, 0, 0);
        writer.keyword("SET POLICY");
        writer.keyword(policyClass.sql());
        if (lowerBound != null) {
            writer.keyword("BOUNDS");
            SqlWriter.Frame frame = writer.startList("(", ")");
            writer.sep(",");
            Nodes.unparseNumber(writer, lowerBound);
            writer.sep(",");
            Nodes.unparseNumber(writer, upperBound);
            writer.endList(frame);
        }
        if (mask != null) {
            writer.keyword("USING");
            writer.keyword(mask.function().name());
            if (mask.argument().isPresent()) {
                SqlWriter.Frame frame = writer.startList("(", ")");
                Nodes.unparseNumber(writer, mask.argument().get());
                writer.endList(frame);
            }
        }
        Nodes.unparseForRole(writer, role);
    }
}
