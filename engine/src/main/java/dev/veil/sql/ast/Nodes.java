package dev.veil.sql.ast;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Small helpers the nodes share: flags and enums as operand literals (so that the generic
 * {@code equalsDeep} of {@link org.apache.calcite.sql.SqlCall} compares them), and the
 * recurring pieces of unparsing.
 */
final class Nodes {
    private Nodes() {}

    static SqlLiteral flag(boolean value) {
        return SqlLiteral.createBoolean(value, SqlParserPos.ZERO);
    }

    static boolean flag(SqlNode operand) {
        return ((SqlLiteral) operand).booleanValue();
    }

    static SqlLiteral symbol(Enum<?> value) {
        return value == null ? null : SqlLiteral.createSymbol(value, SqlParserPos.ZERO);
    }

    static <E extends Enum<E>> E symbol(SqlNode operand, Class<E> type) {
        return operand == null ? null : ((SqlLiteral) operand).symbolValue(type);
    }

    /**
     * A number as an operand literal, spelled so that parsing the spelling gives the same
     * {@link BigDecimal} (scale included): plain when the scale is not negative, else in
     * scientific notation, which only approximate literals such as {@code 1e20} produce.
     */
    static SqlLiteral number(BigDecimal value) {
        if (value == null) {
            return null;
        }
        return value.scale() >= 0 && plainIsShort(value)
                ? SqlLiteral.createExactNumeric(value.toPlainString(), SqlParserPos.ZERO)
                : SqlLiteral.createApproxNumeric(value.toString(), SqlParserPos.ZERO);
    }

    /**
     * The number as written in SQL: plain digits, or the scientific form when the plain one
     * would be long. The plain form of {@code 1e-999999999} has a billion digits, and walking
     * or printing a statement (its depth check, its audit text, an error) must not build it;
     * checks of the value itself (e.g. {@code Bounds}) refuse such numbers with their own error.
     */
    static String spell(BigDecimal value) {
        return value.scale() >= 0 && plainIsShort(value) ? value.toPlainString() : value.toString();
    }

    private static boolean plainIsShort(BigDecimal value) {
        return value.scale() <= 1000 && (long) value.precision() - value.scale() <= 1000;
    }

    static BigDecimal number(SqlNode operand) {
        return operand == null ? null : ((SqlLiteral) operand).bigDecimalValue();
    }

    static SqlLiteral integer(int value) {
        return SqlLiteral.createExactNumeric(Integer.toString(value), SqlParserPos.ZERO);
    }

    static SqlLiteral integer(OptionalInt value) {
        return value.isPresent() ? integer(value.getAsInt()) : null;
    }

    static int integer(SqlNode operand) {
        return ((SqlLiteral) operand).intValue(true);
    }

    static OptionalInt optionalInteger(SqlNode operand) {
        return operand == null ? OptionalInt.empty() : OptionalInt.of(integer(operand));
    }

    /** Writes a number the way {@link #number(BigDecimal)} spells it. */
    static void unparseNumber(SqlWriter writer, BigDecimal value) {
        writer.literal(spell(value));
    }

    /** Writes {@code PASSWORD '***'}: a password never leaves a node through its SQL text. */
    static void unparseMaskedPassword(SqlWriter writer) {
        writer.keyword("PASSWORD");
        writer.literal("'***'");
    }

    /** Writes {@code ALTER TABLE s.t}. */
    static void unparseAlterTable(SqlWriter writer, SqlIdentifier table) {
        writer.keyword("ALTER TABLE");
        table.unparse(writer, 0, 0);
    }

    static SqlNodeList list(List<? extends SqlNode> nodes) {
        return new SqlNodeList(nodes, SqlParserPos.ZERO);
    }

    static <T extends SqlNode> List<T> list(SqlNode operand, Class<T> type) {
        List<T> result = new ArrayList<>();
        for (SqlNode node : (SqlNodeList) operand) {
            result.add(type.cast(node));
        }
        return result;
    }

    static void checkTableName(SqlIdentifier name) {
        if (name.names.size() > 2 || name.isStar()) {
            throw new IllegalArgumentException("table name must be t or s.t: " + name);
        }
    }

    static void checkSimpleName(SqlIdentifier name) {
        if (!name.isSimple()) {
            throw new IllegalArgumentException("name must be a simple identifier: " + name);
        }
    }

    /** Writes {@code FOR ROLE r} when a role is given. */
    static void unparseForRole(SqlWriter writer, SqlIdentifier role) {
        if (role != null) {
            writer.keyword("FOR ROLE");
            role.unparse(writer, 0, 0);
        }
    }

    /** Writes {@code (a, b, ...)}. */
    static void unparseParenthesized(SqlWriter writer, List<? extends SqlNode> nodes) {
        SqlWriter.Frame frame = writer.startList("(", ")");
        for (SqlNode node : nodes) {
            writer.sep(",");
            node.unparse(writer, 0, 0);
        }
        writer.endList(frame);
    }
}
