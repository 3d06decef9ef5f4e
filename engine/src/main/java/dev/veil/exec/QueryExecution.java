package dev.veil.exec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Starts executing {@code plan}. The returned enumerator produces one {@code Object[]} per row
     * (values in {@link dev.veil.catalog.VeilType}'s representation) and must be closed.
     */
    @SuppressWarnings("unchecked")
    public static Enumerator<Object[]> execute(EnumerableRel plan, SchemaPlus rootSchema, JavaTypeFactory typeFactory,
            String user, AtomicBoolean cancelFlag) {
        Map<String, Object> stash = new HashMap<>();
        Bindable<Object> bindable = EnumerableInterpretable.toBindable(stash, null, plan, EnumerableRel.Prefer.ARRAY);
        ExecutionContext context = new ExecutionContext(rootSchema, typeFactory, user, stash, cancelFlag);
        Enumerator<Object> rows;
        try {
            // Generated code evaluates constant expressions in static initializers: a failure
            // there (1 / 0) is an ExceptionInInitializerError from bind or enumerator.
            rows = bindable.bind(context).enumerator();
        } catch (RuntimeException | LinkageError e) {
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
