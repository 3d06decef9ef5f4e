package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSpecialOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The operator of one Veil statement kind. It rebuilds its node from the operand list, so
 * that Calcite's generic tree code ({@link SqlNode#clone}, shuttles) yields the right node
 * class rather than a {@code SqlBasicCall}.
 */
final class VeilOperator extends SqlSpecialOperator {
    /** Builds a node from the operands its {@code getOperandList} returned. */
    @FunctionalInterface
    interface Factory {
        SqlCall create(SqlParserPos pos, List<SqlNode> operands);
    }

    private final Factory factory;

    VeilOperator(String name, SqlKind kind, Factory factory) {
        super(requireNonNull(name, "name is null"), requireNonNull(kind, "kind is null"));
        this.factory = requireNonNull(factory, "factory is null");
    }

    @Override
    public SqlCall createCall(SqlLiteral functionQualifier, SqlParserPos pos, SqlNode... operands) {
        return factory.create(pos, Arrays.asList(operands));
    }
}
