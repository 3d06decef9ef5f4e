package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.rewrite.DpQueryOptions;
import dev.veil.rewrite.GroupBounds;
import dev.veil.sql.parser.DpSelectGrammar;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * BigQuery's differentially private SELECT mapped onto Veil's: reads the options of a
 * {@code SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...)} (the parser keeps them as a hint of the
 * SELECT, {@link DpSelectGrammar}) into {@link DpQueryOptions}, and rewrites BigQuery's forms of
 * the DP aggregates into Veil's before validation:
 *
 * <ul>
 *   <li>{@code contribution_bounds_per_row => (lo, hi)} clamps the argument:
 *       {@code GREATEST(lo, LEAST(hi, x))}, whose range the rewrite derives (within the column's
 *       own bounds, so never wider than the policy);
 *   <li>{@code contribution_bounds_per_group => (lo, hi)} of COUNT and SUM marks the argument with
 *       {@link GroupBounds} (each unit's total in a group clamped to [lo, hi]); of AVG it clamps each
 *       row (an average of rows within [lo, hi] is within [lo, hi]);
 *   <li>{@code COUNT(*, ...)} (which the parser reads as a COUNT of named arguments only) is a
 *       count of rows;
 *   <li>{@code PERCENTILE_CONT(x, r [, ...])} is {@code PERCENTILE_CONT(r) WITHIN GROUP (ORDER BY x)}.
 * </ul>
 *
 * The statement is never changed in place: a plan cache may plan it again.
 */
final class DpSelectOptions {
    private static final Set<String> OPTIONS =
            Set.of("epsilon", "delta", "max_groups_contributed", "privacy_unit_column", "contribution_bounds");
    private static final Set<String> AGGREGATES = Set.of(
            "COUNT", "SUM", "AVG", "VAR_POP", "STDDEV_POP", "PERCENTILE_CONT", DpSelectGrammar.BIGQUERY_PERCENTILE);
    private static final String PER_GROUP = "contribution_bounds_per_group";
    private static final String PER_ROW = "contribution_bounds_per_row";

    /** The statement as Veil's SQL and the options of its clause. */
    record Extracted(SqlNode query, DpQueryOptions options) {
        Extracted {
            requireNonNull(query, "query is null");
            requireNonNull(options, "options is null");
        }
    }

    private DpSelectOptions() {}

    static Extracted extract(SqlNode query) {
        List<SqlSelect> clauses = new ArrayList<>();
        query.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (call instanceof SqlSelect select && hint(select) != null) {
                    clauses.add(select);
                }
                return super.visit(call);
            }
        });
        if (clauses.size() > 1) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "A statement may have one SELECT WITH DIFFERENTIAL_PRIVACY, this one has " + clauses.size()
                            + ": its options apply to every differentially private aggregate of the statement;"
                            + " ask in one clause (a join inside it) or in separate statements");
        }
        SqlSelect clause = clauses.isEmpty() ? null : clauses.get(0);
        SqlHint hint = clause == null ? null : hint(clause);
        DpQueryOptions options = hint == null ? DpQueryOptions.NONE : options(hint);
        SqlNode rewritten = query.accept(new Rewrite(hint != null, clause));
        return new Extracted(rewritten, options);
    }

    /**
     * Refuses {@code node} if it still holds a {@code SELECT WITH DIFFERENTIAL_PRIVACY}: a statement
     * that does not plan its query through {@link #extract} (INSERT ... SELECT, CREATE VIEW) would
     * drop the clause's options.
     */
    static void refuseClause(SqlNode node) {
        node.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                if (call instanceof SqlSelect select && hint(select) != null) {
                    throw new VeilException(
                            ErrorCode.NOT_SUPPORTED,
                            "SELECT WITH DIFFERENTIAL_PRIVACY is supported in a query (also as a sub-query or in"
                                    + " WITH) and in CREATE TABLE ... AS, not in INSERT ... SELECT or a view; put"
                                    + " the clause in the query that reads the view");
                }
                return super.visit(call);
            }
        });
    }

    private static SqlHint hint(SqlSelect select) {
        if (select.getHints() == null) {
            return null;
        }
        for (SqlNode node : select.getHints()) {
            if (node instanceof SqlHint h && h.getName().equalsIgnoreCase(DpSelectGrammar.HINT)) {
                return h;
            }
        }
        return null;
    }

    private static DpQueryOptions options(SqlHint hint) {
        checkOnce(hint);
        OptionalDouble epsilon = OptionalDouble.empty();
        OptionalDouble delta = OptionalDouble.empty();
        OptionalInt groups = OptionalInt.empty();
        Optional<List<String>> unit = Optional.empty();
        Optional<Boolean> auto = Optional.empty();
        for (Map.Entry<String, String> option : hint.getOptionKVPairs().entrySet()) {
            String name = option.getKey().toLowerCase(Locale.ROOT);
            String value = option.getValue();
            if (!OPTIONS.contains(name)) {
                throw invalid("Unknown DIFFERENTIAL_PRIVACY option " + name + "; the options are epsilon, delta,"
                        + " max_groups_contributed, privacy_unit_column and contribution_bounds");
            }
            if (value.equals("NULL")) {
                continue; // BigQuery: the default, here the policy's
            }
            switch (name) {
                case "epsilon" -> {
                    double e = number(name, value);
                    if (!(e >= 1e-6 && e <= 1e30)) {
                        throw invalid("epsilon = " + value + " must be between 1e-6 and 1e30");
                    }
                    epsilon = OptionalDouble.of(e);
                }
                case "delta" -> {
                    double d = number(name, value);
                    if (!(d >= 0 && d < 1)) {
                        throw invalid("delta = " + value + " must be at least 0 and below 1");
                    }
                    delta = OptionalDouble.of(d);
                }
                case "max_groups_contributed" -> {
                    double g = number(name, value);
                    if (g != Math.rint(g) || g < 1 || g > Integer.MAX_VALUE) {
                        throw invalid("max_groups_contributed = " + value + " must be a whole number of at least 1");
                    }
                    groups = OptionalInt.of((int) g);
                }
                case "contribution_bounds" -> {
                    if (!value.equalsIgnoreCase("AUTO") && !value.equalsIgnoreCase("FIXED")) {
                        throw invalid("contribution_bounds = " + value + " must be AUTO or FIXED");
                    }
                    auto = Optional.of(value.equalsIgnoreCase("AUTO"));
                }
                default -> {
                    if (isNumber(value)) {
                        throw invalid("privacy_unit_column = " + value + " must name a column");
                    }
                    unit = Optional.of(Arrays.asList(value.split("\\.")));
                }
            }
        }
        return new DpQueryOptions(true, epsilon, delta, groups, unit, auto);
    }

    /** A hint written as such (or a nested clause, which becomes one) may repeat an option: refused. */
    private static void checkOnce(SqlHint hint) {
        if (hint.getOptionFormat() != SqlHint.HintOptionFormat.KV_LIST) {
            if (hint.getOptionFormat() != SqlHint.HintOptionFormat.EMPTY) {
                throw invalid("The options of DIFFERENTIAL_PRIVACY are name = value pairs");
            }
            return;
        }
        SqlNodeList list = (SqlNodeList) hint.getOperandList().get(1);
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            SqlNode key = list.get(i);
            String name = (key instanceof SqlIdentifier id ? id.getSimple() : ((SqlLiteral) key).toValue())
                    .toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw new VeilException(ErrorCode.SYNTAX_ERROR, "Option " + name + " is given more than once");
            }
        }
    }

    private static boolean isNumber(String value) {
        try {
            new BigDecimal(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double number(String name, String value) {
        if (!isNumber(value)) {
            throw invalid(name + " = " + value + " must be a number");
        }
        return new BigDecimal(value).doubleValue();
    }

    private static VeilException invalid(String message) {
        return new VeilException(ErrorCode.INVALID_ARGUMENT, message);
    }

    /** Rewrites BigQuery's DP aggregates (with the clause) and drops the clause's hint. */
    private static final class Rewrite extends SqlShuttle {
        private final boolean clause;
        private final SqlSelect top;

        Rewrite(boolean clause, SqlSelect top) {
            this.clause = clause;
            this.top = top;
        }

        @Override
        public SqlNode visit(SqlCall call) {
            if (call instanceof SqlSelect select) {
                boolean isTop = select == top;
                List<SqlNode> operands = new ArrayList<>();
                for (SqlNode operand : select.getOperandList()) {
                    operands.add(operand == null ? null : operand.accept(this));
                }
                SqlSelect copy = (SqlSelect) select.getOperator()
                        .createCall(null, select.getParserPosition(), operands.toArray(new SqlNode[0]));
                if (isTop && clause) {
                    copy.setHints(SqlNodeList.EMPTY);
                }
                if (clause && select.getSelectList() != null) {
                    copy.setSelectList(named(select.getSelectList(), copy.getSelectList()));
                }
                return copy;
            }
            SqlNode visited = super.visit(call);
            if (visited instanceof SqlBasicCall basic
                    && AGGREGATES.contains(basic.getOperator().getName().toUpperCase(Locale.ROOT))) {
                return aggregate(basic);
            }
            return visited;
        }

        /**
         * The rewritten select list with each unaliased item that the rewrite changed named after
         * what was written, without the bounds arguments: {@code COUNT(*, contribution_bounds_per_group
         * => (0, 5))} is {@code count(*)}, {@code PERCENTILE_CONT(x, 0.5, ...)} is
         * {@code percentile_cont(x, 0.5)}, as {@link FriendlyNames} names Veil's own aggregates
         * (not after the internal form the rewrite made). Names stay unique within the list.
         */
        private static SqlNodeList named(SqlNodeList written, SqlNodeList rewritten) {
            if (written.size() != rewritten.size()) {
                return rewritten;
            }
            Set<String> taken = new java.util.HashSet<>();
            for (SqlNode item : written) {
                if (item.getKind() == SqlKind.AS && ((SqlCall) item).operand(1) instanceof SqlIdentifier id) {
                    taken.add(id.getSimple());
                } else if (item instanceof SqlIdentifier id && !id.isStar()) {
                    taken.add(id.names.get(id.names.size() - 1));
                }
            }
            List<SqlNode> items = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                SqlNode before = written.get(i);
                SqlNode after = rewritten.get(i);
                if (before == after || before instanceof SqlIdentifier || before.getKind() == SqlKind.AS) {
                    items.add(after);
                    continue;
                }
                String name = FriendlyNames.text(before.accept(new Display()));
                for (int n = 1; taken.contains(name); n++) {
                    name = FriendlyNames.text(before.accept(new Display())) + "_" + n;
                }
                taken.add(name);
                SqlParserPos pos = after.getParserPosition();
                items.add(SqlStdOperatorTable.AS.createCall(pos, after, new SqlIdentifier(name, pos)));
            }
            return new SqlNodeList(items, rewritten.getParserPosition());
        }

        private SqlNode aggregate(SqlBasicCall call) {
            String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
            if (name.equals(DpSelectGrammar.BIGQUERY_PERCENTILE)) {
                if (!clause) {
                    throw invalid("PERCENTILE_CONT(expression, percentile) is the form of SELECT WITH"
                            + " DIFFERENTIAL_PRIVACY; elsewhere write PERCENTILE_CONT(percentile) WITHIN GROUP"
                            + " (ORDER BY expression)");
                }
                name = "PERCENTILE_CONT";
            }
            List<SqlNode> positional = new ArrayList<>();
            double[] perGroup = null;
            double[] perRow = null;
            for (SqlNode operand : call.getOperandList()) {
                if (operand != null && operand.getKind() == SqlKind.ARGUMENT_ASSIGNMENT) {
                    SqlCall assignment = (SqlCall) operand;
                    String argument =
                            ((SqlIdentifier) assignment.operand(1)).getSimple().toLowerCase(Locale.ROOT);
                    if (!clause) {
                        throw invalid(argument + " is an argument of the differentially private aggregates of"
                                + " SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...); use it there");
                    }
                    double[] bounds = bounds(argument, assignment.operand(0));
                    switch (argument) {
                        case PER_GROUP -> perGroup = bounds;
                        case PER_ROW -> perRow = bounds;
                        default ->
                            throw invalid("Unknown argument " + argument + " of " + name + "; the arguments are "
                                    + PER_GROUP + " and " + PER_ROW);
                    }
                } else {
                    positional.add(operand);
                }
            }
            boolean bigQueryPercentile = name.equals("PERCENTILE_CONT") && positional.size() >= 2;
            if (perGroup == null && perRow == null && !bigQueryPercentile && positional.size() == call.operandCount()) {
                return call;
            }
            if (!clause) {
                return call; // PERCENTILE_CONT(x, r) outside the clause: the validator says what is wrong
            }
            if (perGroup != null && perRow != null) {
                throw invalid(name + " takes " + PER_GROUP + " or " + PER_ROW + ", not both");
            }
            SqlParserPos pos = call.getParserPosition();
            boolean groupKind = name.equals("COUNT") || name.equals("SUM") || name.equals("AVG");
            if (perGroup != null && !groupKind) {
                throw invalid(name + " takes " + PER_ROW + ", not " + PER_GROUP);
            }
            if (perRow != null && groupKind) {
                throw invalid(name + " takes " + PER_GROUP + ", not " + PER_ROW);
            }
            if (name.equals("COUNT")) {
                if (positional.size() > 1) {
                    return call;
                }
                SqlNode value = positional.isEmpty() ? SqlLiteral.createBoolean(true, pos) : positional.get(0);
                if (perGroup == null) {
                    return positional.isEmpty()
                            ? SqlStdOperatorTable.COUNT.createCall(
                                    call.getFunctionQuantifier(), pos, SqlIdentifier.star(pos))
                            : call.getOperator().createCall(call.getFunctionQuantifier(), pos, value);
                }
                return call.getOperator().createCall(call.getFunctionQuantifier(), pos, marked(value, perGroup, pos));
            }
            if (name.equals("PERCENTILE_CONT")) {
                if (positional.size() != 2) {
                    throw invalid("PERCENTILE_CONT in SELECT WITH DIFFERENTIAL_PRIVACY takes (expression, percentile"
                            + " [, " + PER_ROW + " => (lo, hi)])");
                }
                SqlNode value = perRow == null ? positional.get(0) : clamp(positional.get(0), perRow, pos);
                SqlNode percentile = SqlStdOperatorTable.PERCENTILE_CONT.createCall(pos, positional.get(1));
                return SqlStdOperatorTable.WITHIN_GROUP.createCall(
                        pos, percentile, new SqlNodeList(List.of(value), pos));
            }
            if (positional.size() != 1) {
                return call;
            }
            SqlNode value = positional.get(0);
            if (perGroup != null && name.equals("SUM")) {
                value = marked(value, perGroup, pos);
            } else if (perGroup != null) {
                value = clamp(value, perGroup, pos); // AVG: each row, so the unit's average too
            } else if (perRow != null) {
                value = clamp(value, perRow, pos);
            }
            return call.getOperator().createCall(call.getFunctionQuantifier(), pos, value);
        }

        /** BigQuery's DP aggregates as they read without their bounds arguments: the name of an unaliased one. */
        private static final class Display extends SqlShuttle {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode visited = super.visit(call);
                if (!(visited instanceof SqlBasicCall basic)
                        || !AGGREGATES.contains(basic.getOperator().getName().toUpperCase(Locale.ROOT))) {
                    return visited;
                }
                List<SqlNode> positional = new ArrayList<>();
                for (SqlNode operand : basic.getOperandList()) {
                    if (operand != null && operand.getKind() != SqlKind.ARGUMENT_ASSIGNMENT) {
                        positional.add(operand);
                    }
                }
                SqlParserPos pos = basic.getParserPosition();
                String name = basic.getOperator().getName().toUpperCase(Locale.ROOT);
                if (name.equals("COUNT") && positional.isEmpty()) {
                    return SqlStdOperatorTable.COUNT.createCall(pos, SqlIdentifier.star(pos));
                }
                if (name.equals(DpSelectGrammar.BIGQUERY_PERCENTILE)) {
                    return function("PERCENTILE_CONT", pos).createCall(pos, positional.toArray(new SqlNode[0]));
                }
                if (positional.size() == basic.operandCount()) {
                    return basic;
                }
                return basic.getOperator()
                        .createCall(basic.getFunctionQuantifier(), pos, positional.toArray(new SqlNode[0]));
            }
        }

        private static SqlNode marked(SqlNode value, double[] bounds, SqlParserPos pos) {
            return GroupBounds.FUNCTION.createCall(pos, value, literal(bounds[0], pos), literal(bounds[1], pos));
        }

        private static SqlNode clamp(SqlNode value, double[] bounds, SqlParserPos pos) {
            SqlNode least = function("LEAST", pos).createCall(pos, literal(bounds[1], pos), value);
            return function("GREATEST", pos).createCall(pos, literal(bounds[0], pos), least);
        }

        private static SqlUnresolvedFunction function(String name, SqlParserPos pos) {
            return new SqlUnresolvedFunction(
                    new SqlIdentifier(name, pos), null, null, null, null, SqlFunctionCategory.SYSTEM);
        }

        private static SqlNode literal(double value, SqlParserPos pos) {
            BigDecimal d = new BigDecimal(Double.toString(value));
            return d.signum() < 0
                    ? SqlLiteral.createNegative(
                            SqlLiteral.createExactNumeric(d.negate().toPlainString(), pos), pos)
                    : SqlLiteral.createExactNumeric(d.toPlainString(), pos);
        }

        /** {@code (lo, hi)}: two numbers, the first at most the second. */
        private static double[] bounds(String argument, SqlNode value) {
            if (value instanceof SqlBasicCall row && row.getKind() == SqlKind.ROW && row.operandCount() == 2) {
                Double lo = number(row.operand(0));
                Double hi = number(row.operand(1));
                if (lo != null && hi != null && lo <= hi && Double.isFinite(lo) && Double.isFinite(hi)) {
                    return new double[] {lo, hi};
                }
            }
            throw invalid(
                    argument + " takes (lower_bound, upper_bound): two numbers, the lower one first; got " + value);
        }

        private static Double number(SqlNode node) {
            if (node instanceof SqlNumericLiteral n) {
                return n.getValueAs(BigDecimal.class).doubleValue();
            }
            if (node instanceof SqlBasicCall call
                    && call.getKind() == SqlKind.MINUS_PREFIX
                    && call.operand(0) instanceof SqlNumericLiteral n) {
                return -n.getValueAs(BigDecimal.class).doubleValue();
            }
            return null;
        }
    }
}
