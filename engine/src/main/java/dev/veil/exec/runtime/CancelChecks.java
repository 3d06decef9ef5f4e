package dev.veil.exec.runtime;

import dev.veil.control.StatementControl;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableInterpreter;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.RelNode;

/**
 * Makes every operator of a plan stop soon after its statement is cancelled or times out. Calcite's
 * row-at-a-time operators never look at the cancel flag, so before a plan is compiled an
 * {@link EnumerableCancelCheck} is put on every edge between two operators: whatever an operator
 * does, it pulls its input's rows through one, and the flag is read at every row (a volatile
 * read, about free; a nested loop join over a large inner side may do much work per outer row,
 * so rarer checks could come late). Operators that loop without pulling
 * rows (the vectorized scans and aggregation, DP aggregation, unit lookup builds, loads) check the
 * flag themselves, once per batch or every few thousand iterations.
 */
public final class CancelChecks {
    private CancelChecks() {}

    /** {@code plan} with a cancel check under every operator (on each of its inputs). */
    public static EnumerableRel insert(EnumerableRel plan) {
        return (EnumerableRel) withChecks(plan);
    }

    private static RelNode withChecks(RelNode node) {
        List<RelNode> inputs = node.getInputs();
        // A subtree that Calcite's interpreter runs knows no Veil operator: it is left as it is.
        if (inputs.isEmpty()
                || node instanceof EnumerableInterpreter
                || node.getConvention() != EnumerableConvention.INSTANCE) {
            return node;
        }
        List<RelNode> checked = new ArrayList<>(inputs.size());
        for (RelNode input : inputs) {
            RelNode inner = withChecks(input);
            checked.add(
                    inner.getConvention() == EnumerableConvention.INSTANCE
                            ? new EnumerableCancelCheck(inner.getCluster(), inner.getTraitSet(), inner)
                            : inner);
        }
        return node.copy(node.getTraitSet(), checked);
    }

    /** {@code rows}, failing with QUERY_CANCELLED at the first check after the statement of {@code root} is stopped. */
    public static <T> Enumerable<T> checked(Enumerable<T> rows, DataContext root) {
        AtomicBoolean flag = ExecutionContext.cancelFlag(root);
        return new AbstractEnumerable<T>() {
            @Override
            public Enumerator<T> enumerator() {
                StatementControl.check(flag);
                return new Checked<>(rows.enumerator(), flag);
            }
        };
    }

    private static final class Checked<T> implements Enumerator<T> {
        private final Enumerator<T> rows;
        private final AtomicBoolean flag;

        Checked(Enumerator<T> rows, AtomicBoolean flag) {
            this.rows = rows;
            this.flag = flag;
        }

        @Override
        public T current() {
            return rows.current();
        }

        @Override
        public boolean moveNext() {
            StatementControl.check(flag);
            return rows.moveNext();
        }

        @Override
        public void reset() {
            rows.reset();
        }

        @Override
        public void close() {
            rows.close();
        }
    }
}
