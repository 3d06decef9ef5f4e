package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.RemoteKind;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The NaN test of a floating-point clamp written for a remote ({@link RemoteExpressions}): in the
 * remote's SQL {@code is_nan(v)} (Trino) or {@code (v = CAST('NaN' AS DOUBLE PRECISION))}
 * (PostgreSQL, where NaN equals itself), and in Veil {@link Double#isNaN}. A plan may run the
 * expressions written for a remote in Veil after all: Calcite's rules on projections and filters
 * match the remote's nodes too and copy their expressions into nodes Veil runs. The test must then
 * mean the same in Veil: an operator Veil cannot run failed such plans with an internal error
 * (Trino's {@code is_nan}), and PostgreSQL's form run in Java ({@code NaN = NaN} is false) would
 * let NaN through the clamp.
 */
final class RemoteNaNTest extends SqlUserDefinedFunction {
    private static final Function IMPLEMENTATION = implementation();

    static final RemoteNaNTest TRINO = new RemoteNaNTest(RemoteKind.TRINO);
    static final RemoteNaNTest POSTGRESQL = new RemoteNaNTest(RemoteKind.POSTGRESQL);

    private final RemoteKind kind;

    private RemoteNaNTest(RemoteKind kind) {
        super(
                new SqlIdentifier("VEIL_IS_NAN", SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.BOOLEAN_NULLABLE,
                InferTypes.RETURN_TYPE,
                null,
                IMPLEMENTATION);
        this.kind = requireNonNull(kind, "kind is null");
    }

    /** The test written for {@code kind}. */
    static RemoteNaNTest of(RemoteKind kind) {
        return switch (kind) {
            case TRINO -> TRINO;
            case POSTGRESQL -> POSTGRESQL;
        };
    }

    RemoteKind kind() {
        return kind;
    }

    @Override
    public void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        switch (kind) {
            case TRINO -> {
                writer.print("is_nan(");
                call.operand(0).unparse(writer, 0, 0);
                writer.print(")");
            }
            case POSTGRESQL -> {
                writer.print("(");
                call.operand(0).unparse(writer, 0, 0);
                writer.print(" = CAST('NaN' AS DOUBLE PRECISION))");
            }
        }
    }

    private static Function implementation() {
        Function function = ScalarFunctionImpl.create(RemoteFunctions.class, "isNaN");
        if (function == null) {
            throw new IllegalStateException("RemoteFunctions.isNaN is missing");
        }
        return function;
    }
}
