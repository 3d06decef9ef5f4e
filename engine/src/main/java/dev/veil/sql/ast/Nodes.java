package dev.veil.sql.ast;

import java.util.ArrayList;
import java.util.List;
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
