package dev.veil.sql.parser;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;

/**
 * The limit on how deeply a statement nests. Validation, planning and code generation walk a
 * statement recursively, so a statement nested thousands deep ({@code 1+1+...+1},
 * {@code CASE} within {@code CASE}, sub-query within sub-query) would overflow a thread's stack
 * deep inside Calcite; the parser builds such trees without recursion, so the depth is checked
 * right after parsing, without recursion either, and a statement beyond the limit fails with
 * STATEMENT_TOO_COMPLEX before anything is validated or run. The limit is far above what people
 * and BI tools write (a long {@code CASE} or {@code IN} list is wide, not deep).
 */
public final class StatementDepth {
    /** The deepest nesting of calls and lists a statement may have. */
    public static final int MAX_DEPTH = 400;

    private StatementDepth() {}

    /**
     * Balances the chains of AND and OR in {@code node} (so that {@code a = 1 OR a = 2 OR ...}
     * with thousands of terms, as BI tools write a filter on many values, nests logarithmically
     * deep), then fails with STATEMENT_TOO_COMPLEX when it nests deeper than {@link #MAX_DEPTH}.
     */
    public static SqlNode check(SqlNode node) {
        balanceLogicalChains(node);
        int depth = depth(node);
        if (depth > MAX_DEPTH) {
            throw new VeilException(
                    ErrorCode.STATEMENT_TOO_COMPLEX,
                    "The statement nests expressions or sub-queries "
                            + "more than " + MAX_DEPTH
                            + " levels deep; simplify it (for example, a long chain of + or || "
                            + "can often be written with SUM over rows or CONCAT of a list)");
        }
        return node;
    }

    /**
     * Rewrites each chain of one logical operator ({@code ((a OR b) OR c) OR d}, as the parser
     * builds it) into a balanced tree of the same operator over the same terms in the same order.
     * AND and OR are associative in SQL's three-valued logic, so the meaning is unchanged.
     */
    static void balanceLogicalChains(SqlNode root) {
        Deque<SqlNode> nodes = new ArrayDeque<>();
        nodes.push(root);
        while (!nodes.isEmpty()) {
            SqlNode node = nodes.pop();
            if (node instanceof SqlBasicCall call && isLogical(call) && call.operandCount() == 2) {
                List<SqlNode> terms = terms(call);
                if (terms.size() > 2) {
                    int mid = terms.size() / 2;
                    call.setOperand(0, balanced(call.getOperator(), terms.subList(0, mid)));
                    call.setOperand(1, balanced(call.getOperator(), terms.subList(mid, terms.size())));
                }
                terms.forEach(nodes::push);
                continue;
            }
            for (SqlNode child : children(node)) {
                if (child != null) {
                    nodes.push(child);
                }
            }
        }
    }

    private static boolean isLogical(SqlCall call) {
        return call.getKind() == SqlKind.AND || call.getKind() == SqlKind.OR;
    }

    /** The terms of the chain of {@code call}'s operator rooted at {@code call}, left to right. */
    private static List<SqlNode> terms(SqlBasicCall call) {
        List<SqlNode> terms = new ArrayList<>();
        Deque<SqlNode> pending = new ArrayDeque<>();
        pending.push(call);
        while (!pending.isEmpty()) {
            SqlNode node = pending.pop();
            if (node instanceof SqlBasicCall c && c.getKind() == call.getKind() && c.operandCount() == 2) {
                pending.push(c.operand(1));
                pending.push(c.operand(0));
            } else {
                terms.add(node);
            }
        }
        return terms;
    }

    private static SqlNode balanced(SqlOperator operator, List<SqlNode> terms) {
        if (terms.size() == 1) {
            return terms.get(0);
        }
        int mid = terms.size() / 2;
        SqlNode left = balanced(operator, terms.subList(0, mid));
        SqlNode right = balanced(operator, terms.subList(mid, terms.size()));
        return operator.createCall(left.getParserPosition().plus(right.getParserPosition()), left, right);
    }

    /** The nesting depth of {@code root}: 1 for a leaf; stops counting a little above the limit. */
    static int depth(SqlNode root) {
        Deque<SqlNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        int deepest = 0;
        while (!nodes.isEmpty()) {
            SqlNode node = nodes.pop();
            int depth = depths.pop();
            deepest = Math.max(deepest, depth);
            if (deepest > MAX_DEPTH) {
                return deepest;
            }
            for (SqlNode child : children(node)) {
                if (child != null) {
                    nodes.push(child);
                    depths.push(depth + 1);
                }
            }
        }
        return deepest;
    }

    /** The operands of a call, the members of a list, nothing for a leaf. */
    private static Iterable<SqlNode> children(SqlNode node) {
        return node instanceof SqlNodeList list
                ? list
                : node instanceof SqlCall call ? call.getOperandList() : List.of();
    }
}
