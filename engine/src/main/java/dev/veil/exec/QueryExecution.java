package dev.veil.exec;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.adapter.enumerable.EnumerableInterpretable;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.schema.SchemaPlus;

/** Compiles a physical plan to Java and runs it, yielding rows as {@code Object[]}. */
public final class QueryExecution {
    private QueryExecution() {
    }

    /**
     * Starts executing {@code plan}, which was charged for the differentially private aggregates
     * numbered {@code charged} (see {@link DpReleases}). The returned enumerator produces one
     * {@code Object[]} per row (values in {@link dev.veil.catalog.VeilType}'s representation) and
     * must be closed. Fails with INTERNAL_ERROR, before anything runs, when the plan's DP
     * aggregates are not exactly those charged.
     */
    @SuppressWarnings("unchecked")
    public static Enumerator<Object[]> execute(EnumerableRel plan, SchemaPlus rootSchema, JavaTypeFactory typeFactory,
            String user, AtomicBoolean cancelFlag, Set<Integer> charged) {
        Set<Integer> boundaries = DpReleases.boundaries(plan).keySet();
        if (!boundaries.equals(charged)) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "The plan has " + boundaries.size()
                    + " differentially private aggregate(s) but " + charged.size()
                    + " were charged; nothing was run");
        }
        Map<String, Object> stash = new HashMap<>();
        Bindable<Object> bindable = EnumerableInterpretable.toBindable(stash, null, plan, EnumerableRel.Prefer.ARRAY);
        ExecutionContext context = new ExecutionContext(rootSchema, typeFactory, user, stash, cancelFlag,
                new DpReleases(charged));
        Enumerator<Object> rows;
        try {
            rows = bindable.bind(context).enumerator();
        } catch (RuntimeException | ExceptionInInitializerError e) {
            // A constant the generated code computes once (in a static initializer) can fail too.
            throw ExecutionErrors.translate(e);
        }
        int fieldCount = plan.getRowType().getFieldCount();
        return new RowEnumerator(rows, fieldCount);
    }

    /** Normalizes the runtime's row shapes (scalar, array, list) to {@code Object[]}. */
    private static final class RowEnumerator implements Enumerator<Object[]> {
        private final Enumerator<Object> delegate;
        private final int fieldCount;

        RowEnumerator(Enumerator<Object> delegate, int fieldCount) {
            this.delegate = delegate;
            this.fieldCount = fieldCount;
        }

        @Override
        public Object[] current() {
            Object row = delegate.current();
            if (fieldCount == 1) {
                return new Object[] {row};
            }
            if (row instanceof Object[] array) {
                return array;
            }
            if (row instanceof List<?> list) {
                return list.toArray();
            }
            return new Object[] {row};
        }

        @Override
        public boolean moveNext() {
            try {
                return delegate.moveNext();
            } catch (RuntimeException | Error e) {
                throw ExecutionErrors.translate(e);
            }
        }

        @Override
        public void reset() {
            delegate.reset();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
