package dev.veil.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class StatementDepthTest {
    @Test
    void wideStatementsAreShallow() {
        String in = "SELECT 1 FROM t WHERE c IN (" + String.join(", ", Collections.nCopies(20_000, "1")) + ")";
        assertTrue(StatementDepth.depth(VeilParser.parse(in)) < 10);
    }

    @Test
    void chainsCountOneLevelPerOperator() {
        String chain = "SELECT " + String.join(" + ", Collections.nCopies(300, "1"));
        int depth = StatementDepth.depth(VeilParser.parse(chain));
        assertTrue(depth >= 300 && depth <= 305, "depth " + depth);
    }

    @Test
    void deepStatementsFailBeforeValidation() {
        for (String sql : new String[] {
            "SELECT " + String.join(" + ", Collections.nCopies(2_000, "1")),
            "SELECT " + "CASE WHEN a THEN ".repeat(500) + "1" + " END".repeat(500),
            "SELECT x FROM (".repeat(450) + "SELECT 1 AS x" + ")".repeat(450),
        }) {
            VeilException e = assertThrows(VeilException.class, () -> VeilParser.parse(sql));
            assertEquals(ErrorCode.STATEMENT_TOO_COMPLEX, e.errorCode(), e.getMessage());
        }
    }

    @Test
    void longChainsOfOrAndAndAreBalanced() {
        String or = String.join(
                " OR ",
                java.util.stream.IntStream.range(0, 2_000)
                        .mapToObj(i -> "a = " + i)
                        .toList());
        var node = VeilParser.parseExpression(or + " AND " + String.join(" AND ", Collections.nCopies(500, "b > 0")));
        assertTrue(StatementDepth.depth(node) < 40, "depth " + StatementDepth.depth(node));
        // Same terms, same order: the first and last terms stay at the ends.
        String text = node.toString();
        assertTrue(text.indexOf("`a` = 0") < text.indexOf("`a` = 1999"), text.substring(0, 200));
    }
}
