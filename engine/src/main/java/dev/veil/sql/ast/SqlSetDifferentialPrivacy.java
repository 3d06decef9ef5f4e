package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code ALTER TABLE s.t SET DIFFERENTIAL PRIVACY (EPSILON e, DELTA d,
 * MAX GROUPS PER UNIT n, MAX ROWS PER UNIT PER GROUP m, CONTRIBUTION BOUNDS {AUTO | FIXED})
 * [FOR ROLE r]}. EPSILON is required;
 * the other settings may be left out (the executor applies the defaults) and come in any order.
 * Values are as written, not range-checked.
 */
public final class SqlSetDifferentialPrivacy extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET DIFFERENTIAL PRIVACY",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetDifferentialPrivacy(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    Nodes.number(operands.get(1)),
                    Nodes.number(operands.get(2)),
                    toInteger(Nodes.optionalInteger(operands.get(3))),
                    toInteger(Nodes.optionalInteger(operands.get(4))),
                    operands.get(5) == null ? null : "AUTO".equals(((SqlIdentifier) operands.get(5)).getSimple()),
                    (SqlIdentifier) operands.get(6)));

    private final SqlIdentifier table;
    private final BigDecimal epsilon;
    private final BigDecimal delta;
    private final Integer maxGroupsPerUnit;
    private final Integer maxRowsPerUnitPerGroup;
    private final Boolean autoBounds;
    private final SqlIdentifier role;

    /**
     * Creates the node; {@code delta}, {@code maxGroupsPerUnit}, {@code maxRowsPerUnitPerGroup}
     * are null when not given, {@code role} is null for every non-admin role.
     */
    public SqlSetDifferentialPrivacy(
            SqlParserPos pos,
            SqlIdentifier table,
            BigDecimal epsilon,
            BigDecimal delta,
            Integer maxGroupsPerUnit,
            Integer maxRowsPerUnitPerGroup,
            SqlIdentifier role) {
        this(pos, table, epsilon, delta, maxGroupsPerUnit, maxRowsPerUnitPerGroup, null, role);
    }

    /** As above, with CONTRIBUTION BOUNDS: true for AUTO, false for FIXED, null when not given. */
    public SqlSetDifferentialPrivacy(
            SqlParserPos pos,
            SqlIdentifier table,
            BigDecimal epsilon,
            BigDecimal delta,
            Integer maxGroupsPerUnit,
            Integer maxRowsPerUnitPerGroup,
            Boolean autoBounds,
            SqlIdentifier role) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.epsilon = requireNonNull(epsilon, "epsilon is null");
        this.delta = delta;
        this.maxGroupsPerUnit = maxGroupsPerUnit;
        this.maxRowsPerUnitPerGroup = maxRowsPerUnitPerGroup;
        this.autoBounds = autoBounds;
        this.role = role;
        Nodes.checkTableName(table);
    }

    private static Integer toInteger(OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static OptionalInt toOptional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    public SqlIdentifier table() {
        return table;
    }

    /** EPSILON: the default and the cap of one query's epsilon on this table. */
    public BigDecimal epsilon() {
        return epsilon;
    }

    public Optional<BigDecimal> delta() {
        return Optional.ofNullable(delta);
    }

    /** MAX GROUPS PER UNIT (l0): how many groups one privacy unit may contribute to. */
    public OptionalInt maxGroupsPerUnit() {
        return toOptional(maxGroupsPerUnit);
    }

    /** MAX ROWS PER UNIT PER GROUP (c): how many rows of one unit count in one group. */
    public OptionalInt maxRowsPerUnitPerGroup() {
        return toOptional(maxRowsPerUnitPerGroup);
    }

    /** CONTRIBUTION BOUNDS AUTO: COUNT and SUM bounds chosen from the data; false when FIXED or not given. */
    public boolean autoBounds() {
        return Boolean.TRUE.equals(autoBounds);
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
        return ImmutableNullableList.of(
                table,
                Nodes.number(epsilon),
                Nodes.number(delta),
                Nodes.integer(maxGroupsPerUnit()),
                Nodes.integer(maxRowsPerUnitPerGroup()),
                autoBounds == null ? null : new SqlIdentifier(autoBounds ? "AUTO" : "FIXED", SqlParserPos.ZERO),
                role);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("SET DIFFERENTIAL PRIVACY");
        SqlWriter.Frame frame = writer.startList("(", ")");
        List<Runnable> settings = new ArrayList<>();
        settings.add(() -> {
            writer.keyword("EPSILON");
            Nodes.unparseNumber(writer, epsilon);
        });
        if (delta != null) {
            settings.add(() -> {
                writer.keyword("DELTA");
                Nodes.unparseNumber(writer, delta);
            });
        }
        if (maxGroupsPerUnit != null) {
            settings.add(() -> {
                writer.keyword("MAX GROUPS PER UNIT");
                writer.literal(maxGroupsPerUnit.toString());
            });
        }
        if (maxRowsPerUnitPerGroup != null) {
            settings.add(() -> {
                writer.keyword("MAX ROWS PER UNIT PER GROUP");
                writer.literal(maxRowsPerUnitPerGroup.toString());
            });
        }
        if (autoBounds != null) {
            settings.add(() -> writer.keyword("CONTRIBUTION BOUNDS " + (autoBounds ? "AUTO" : "FIXED")));
        }
        for (Runnable setting : settings) {
            writer.sep(",");
            setting.run();
        }
        writer.endList(frame);
        Nodes.unparseForRole(writer, role);
    }
}
