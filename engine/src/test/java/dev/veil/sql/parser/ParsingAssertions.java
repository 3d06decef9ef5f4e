package dev.veil.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Litmus;

/** Shared checks of the parser tests: parse to a node class, unparse and parse back. */
final class ParsingAssertions {
    private ParsingAssertions() {}

    /** Parses one statement, checks its class, and checks that it round-trips. */
    static <T extends SqlNode> T parseAs(Class<T> type, String sql) {
        SqlNode node = VeilParser.parse(sql);
        T typed = assertInstanceOf(type, node, () -> "parsed " + sql);
        assertRoundTrips(node);
        return typed;
    }

    /** The SQL a node unparses to, with line breaks turned into blanks (for readable expectations). */
    static String unparse(SqlNode node) {
        return VeilParser.unparse(node).replace('\n', ' ');
    }

    /**
     * Unparses the node, parses the text again and checks that the result is an equal node of
     * the same class that unparses to the same text; also checks that rebuilding the node from
     * its operands (what {@code clone} does) gives an equal node.
     */
    static void assertRoundTrips(SqlNode node) {
        String sql = VeilParser.unparse(node);
        SqlNode again = VeilParser.parse(sql);
        assertSame(node.getClass(), again.getClass(), sql);
        assertTrue(node.equalsDeep(again, Litmus.THROW), sql);
        assertEquals(sql, VeilParser.unparse(again));
        SqlNode copy = node.clone(SqlParserPos.ZERO);
        assertSame(node.getClass(), copy.getClass());
        assertTrue(node.equalsDeep(copy, Litmus.THROW), sql);
    }

    /** Parses, expecting a syntax error, and returns its message. */
    static String syntaxError(String sql) {
        VeilException e = assertThrows(VeilException.class, () -> VeilParser.parse(sql));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.errorCode(), e.getMessage());
        return e.getMessage();
    }
}
