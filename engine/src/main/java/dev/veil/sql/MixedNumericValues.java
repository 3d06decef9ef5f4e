package dev.veil.sql;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Writes the exact numeric literals of a {@code VALUES} column as approximate ones when the same
 * column also holds an approximate literal, as in {@code VALUES (1e0), (0.5)}.
 *
 * <p>Such a column is DOUBLE either way, so no value changes; but Calcite keeps the literals of a
 * VALUES relation as they were written and compares them with each other when it derives the
 * relation's sort order, and a {@code BigDecimal} does not compare with a {@code Double}.
 */
final class MixedNumericValues extends SqlBasicVisitor<Void> {
    private MixedNumericValues() {}

    /** Rewrites, in place, every VALUES in {@code node}. */
    static void rewrite(SqlNode node) {
        node.accept(new MixedNumericValues());
    }

    @Override
    public Void visit(SqlCall call) {
        if (call.getKind() == SqlKind.VALUES) {
            rewriteValues(call);
        }
        return super.visit(call);
    }

    private static void rewriteValues(SqlCall values) {
        List<SqlCall> rows = new ArrayList<>();
        for (SqlNode operand : values.getOperandList()) {
            if (!(operand instanceof SqlCall row) || row.getKind() != SqlKind.ROW) {
                return;
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            return;
        }
        int columns = rows.get(0).operandCount();
        for (int column = 0; column < columns; column++) {
            boolean approximate = false;
            boolean exact = false;
            for (SqlCall row : rows) {
                SqlNumericLiteral literal = row.operandCount() > column ? numeric(row.operand(column)) : null;
                if (literal != null) {
                    approximate |= !literal.isExact();
                    exact |= literal.isExact();
                }
            }
            if (!approximate || !exact) {
                continue;
            }
            for (SqlCall row : rows) {
                SqlNode value = row.operand(column);
                SqlNumericLiteral literal = numeric(value);
                if (literal == null || !literal.isExact()) {
                    continue;
                }
                SqlNumericLiteral approx = SqlLiteral.createApproxNumeric(
                        literal.getValueAs(BigDecimal.class).toString(), literal.getParserPosition());
                if (value == literal) {
                    row.setOperand(column, approx);
                } else if (value instanceof SqlBasicCall minus) {
                    minus.setOperand(0, approx);
                }
            }
        }
    }

    /** The numeric literal {@code node} is, or the one a unary minus or plus applies to; else null. */
    private static SqlNumericLiteral numeric(SqlNode node) {
        if (node instanceof SqlNumericLiteral literal) {
            return literal;
        }
        if (node instanceof SqlBasicCall call
                && (call.getKind() == SqlKind.MINUS_PREFIX || call.getKind() == SqlKind.PLUS_PREFIX)
                && call.operand(0) instanceof SqlNumericLiteral literal) {
            return literal;
        }
        return null;
    }
}
