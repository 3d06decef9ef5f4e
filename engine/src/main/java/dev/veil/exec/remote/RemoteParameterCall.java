package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.DataContext;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * A condition of Veil's privacy rewrite written for a remote database with one statement parameter
 * whose value Veil computes when the statement runs, from the execution (its statement time, its
 * consent sets): {@link RemoteConsentCall}, {@link RemoteRetentionCall}. The plan, EXPLAIN and the
 * plan cache hold only its {@code ?}; the value is bound by {@link RemoteRows} and never logged.
 *
 * <p>Each operator has an id of its own, written as the index of its {@code ?} ({@link
 * SqlWriter#dynamicParam}), so that after the remote statement is generated the order of its
 * parameters names the operator that binds each one ({@link RemoteToEnumerable#seal}).
 */
abstract class RemoteParameterCall extends SqlFunction {
    private static final AtomicInteger IDS = new AtomicInteger(1);

    private final int id;
    private final RemoteKind kind;

    RemoteParameterCall(String name, RemoteKind kind) {
        super(
                name,
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.BOOLEAN_NOT_NULL,
                null,
                OperandTypes.ANY,
                SqlFunctionCategory.USER_DEFINED_FUNCTION);
        this.kind = java.util.Objects.requireNonNull(kind, "kind is null");
        this.id = IDS.getAndIncrement();
    }

    /** The index its parameter is written with, unique to this operator. */
    final int id() {
        return id;
    }

    /** The dialect it is written in. */
    final RemoteKind kind() {
        return kind;
    }

    /** The call of this condition on {@code operand} (an expression the remote already evaluates). */
    final RexNode call(RexBuilder rex, RexNode operand) {
        return rex.makeCall(this, List.of(operand));
    }

    /** Binds the parameter at {@code index} of {@code statement} for the execution {@code root}. */
    abstract void bind(Connection connection, PreparedStatement statement, int index, DataContext root)
            throws SQLException;

    /** What the parameter holds, in words, for EXPLAIN (never a value). */
    abstract String describeParameter();

    /** Writes the condition on the unparsed {@code operand}; {@link #parameter} writes its {@code ?}. */
    abstract void write(SqlWriter writer, SqlCall call);

    /** Writes this operator's {@code ?}. */
    final void parameter(SqlWriter writer) {
        writer.dynamicParam(id);
    }

    @Override
    public final void unparse(SqlWriter writer, SqlCall call, int leftPrec, int rightPrec) {
        SqlWriter.Frame frame = writer.startList("(", ")");
        write(writer, call);
        writer.endList(frame);
    }

    @Override
    public final boolean isDynamicFunction() {
        return true;
    }

    @Override
    public final boolean isDeterministic() {
        return false;
    }
}
