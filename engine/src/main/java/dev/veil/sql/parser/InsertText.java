package dev.veil.sql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The text of an {@code INSERT} as the audit log records it: the values it writes are data (a
 * person's, often), not what was asked, so every literal of its source is shown as {@code ?}.
 * The audit log is append-only; values kept there would outlive an {@code ERASE PRIVACY UNIT}.
 */
public final class InsertText {
    private InsertText() {}

    /**
     * {@code sql} (which parses to an INSERT) unparsed with the literals of its source replaced by
     * {@code ?}; if some part of the source cannot be rewritten so, the target alone with a note.
     * Works on a fresh parse, so the statement that runs is not changed.
     */
    public static String withoutValues(String sql) {
        requireNonNull(sql, "sql is null");
        SqlNode node = VeilParser.parse(sql);
        if (!(node instanceof SqlInsert insert)) {
            throw new IllegalArgumentException("not an INSERT: " + node.getKind());
        }
        try {
            insert.setOperand(2, mask(insert.getSource(), new int[1]));
            return VeilParser.unparse(insert).replace('\n', ' ');
        } catch (RuntimeException e) {
            // A node that cannot take a new operand: record less, never the values.
            return "INSERT INTO " + VeilParser.unparse(insert.getTargetTable()) + " ... (values not recorded)";
        }
    }

    /** {@code node} with every literal but NULL and keywords (such as TRIM's BOTH) replaced by a parameter, in place. */
    private static SqlNode mask(SqlNode node, int[] next) {
        if (node instanceof SqlLiteral literal) {
            SqlTypeName type = literal.getTypeName();
            if (type == SqlTypeName.SYMBOL || type == SqlTypeName.NULL) {
                return literal;
            }
            return new SqlDynamicParam(next[0]++, literal.getParserPosition());
        }
        if (node instanceof SqlNodeList list) {
            for (int i = 0; i < list.size(); i++) {
                list.set(i, mask(list.get(i), next));
            }
            return list;
        }
        if (node instanceof SqlCall call) {
            List<SqlNode> operands = call.getOperandList();
            for (int i = 0; i < operands.size(); i++) {
                SqlNode operand = operands.get(i);
                if (operand == null) {
                    continue;
                }
                SqlNode masked = mask(operand, next);
                if (masked != operand) {
                    call.setOperand(i, masked);
                }
            }
        }
        return node;
    }
}
