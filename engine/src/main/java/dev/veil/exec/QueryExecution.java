package dev.veil.exec;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.StatementMemory;
import dev.veil.exec.aggregate.CheckedSums;
import dev.veil.exec.privacy.ConsentUnits;
import dev.veil.exec.privacy.DpReleases;
import dev.veil.exec.runtime.CancelChecks;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionErrors;
import dev.veil.exec.runtime.MemoryAccounting;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.DpSpec;
import dev.veil.plan.StatementTime;
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
    private QueryExecution() {}

    /**
     * Starts executing {@code plan}, which was charged for the differentially private aggregates
     * numbered {@code charged} (see {@link DpReleases}). The returned enumerator produces one
     * {@code Object[]} per row (values in {@link dev.veil.catalog.VeilType}'s representation) and
     * must be closed. Fails with INTERNAL_ERROR, before anything runs, when the plan's DP
     * aggregates are not exactly those charged.
     */
    public static Enumerator<Object[]> execute(
            EnumerableRel plan,
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            AtomicBoolean cancelFlag,
            Set<Integer> charged) {
        return execute(plan, rootSchema, typeFactory, user, cancelFlag, charged, StatementMemory.withDefaultLimit());
    }

    /**
     * As above, with the operators that keep rows accounting them to {@code memory}, which the
     * returned enumerator closes when it is closed (or here, if the plan fails to start).
     */
    public static Enumerator<Object[]> execute(
            EnumerableRel plan,
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            AtomicBoolean cancelFlag,
            Set<Integer> charged,
            StatementMemory memory) {
        return execute(plan, rootSchema, typeFactory, user, cancelFlag, new DpReleases(charged), memory);
    }

    /**
     * As above, with the releases of the plan's DP aggregates given: charged, or replays of stored
     * releases. Fails with INTERNAL_ERROR, before anything runs, when they do not cover exactly the
     * plan's DP aggregates.
     */
    public static Enumerator<Object[]> execute(
            EnumerableRel plan,
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            AtomicBoolean cancelFlag,
            DpReleases releases,
            StatementMemory memory) {
        Compiled compiled;
        try {
            compiled = compile(plan);
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
        return compiled.execute(
                rootSchema, typeFactory, user, cancelFlag, releases, memory, System.currentTimeMillis());
    }

    /**
     * Compiles {@code plan} to Java once, for any number of executions: the generated code and the
     * plan-level objects it reads (table descriptions, DP specifications). Every execution gets
     * its own {@link ExecutionContext}, so nothing of one execution (DP releases and their noise,
     * dynamic filters, memory) is seen by another. Fails as an execution would.
     */
    public static Compiled compile(EnumerableRel plan) {
        Set<Integer> boundaries = DpReleases.boundaries(plan).keySet();
        try {
            EnumerableRel accounted = MemoryAccounting.instrument(CancelChecks.insert(CheckedSums.apply(plan)));
            Map<String, Object> stash = new HashMap<>();
            // The specs of the consent conditions that generated code evaluates, by the variable it reads.
            stash.putAll(ConsentUnits.specs(accounted));
            Bindable<Object> bindable =
                    EnumerableInterpretable.toBindable(stash, null, accounted, EnumerableRel.Prefer.ARRAY);
            return new Compiled(
                    bindable,
                    java.util.Collections.unmodifiableMap(new HashMap<>(stash)),
                    plan.getRowType().getFieldCount(),
                    boundaries);
        } catch (RuntimeException | OutOfMemoryError | LinkageError e) {
            throw ExecutionErrors.translate(e);
        }
    }

    /** A compiled plan: immutable, safe to run from several threads at once. */
    public static final class Compiled {
        private final Bindable<Object> bindable;
        private final Map<String, Object> stash;
        private final int fieldCount;
        private final Set<Integer> boundaries;

        private Compiled(
                Bindable<Object> bindable, Map<String, Object> stash, int fieldCount, Set<Integer> boundaries) {
            this.bindable = bindable;
            this.stash = stash;
            this.fieldCount = fieldCount;
            this.boundaries = Set.copyOf(boundaries);
        }

        /**
         * Starts one execution, with the releases of the plan's DP aggregates given: charged, or
         * replays of stored releases. Fails with INTERNAL_ERROR, before anything runs, when they do
         * not cover exactly the plan's DP aggregates. {@code memory} is closed with the returned
         * enumerator (or here, if the plan fails to start). {@code statementTime} (milliseconds since
         * the epoch) is the one instant every consent and retention condition of the execution
         * compares with.
         */
        public Enumerator<Object[]> execute(
                SchemaPlus rootSchema,
                JavaTypeFactory typeFactory,
                String user,
                AtomicBoolean cancelFlag,
                DpReleases releases,
                StatementMemory memory,
                long statementTime) {
            return execute(rootSchema, typeFactory, user, cancelFlag, releases, memory, statementTime, Map.of());
        }

        /**
         * As above, with the DP aggregates spending the budgets of {@code specs} (by release number)
         * instead of those they were compiled with: a plan cached at one ε run at another (the
         * generated code reads each spec from the execution's variables, never from a constant).
         * Fails with INTERNAL_ERROR when a spec differs from the compiled one in more than its
         * (ε, δ), or a DP aggregate of the plan has none.
         */
        public Enumerator<Object[]> execute(
                SchemaPlus rootSchema,
                JavaTypeFactory typeFactory,
                String user,
                AtomicBoolean cancelFlag,
                DpReleases releases,
                StatementMemory memory,
                long statementTime,
                Map<Integer, DpSpec> specs) {
            if (!releases.covers(boundaries)) {
                memory.close();
                throw new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "The plan has " + boundaries.size()
                                + " differentially private aggregate(s) that were not exactly those charged or"
                                + " replayed; nothing was run");
            }
            try {
                Map<String, Object> variables = new HashMap<>(stash);
                if (!specs.isEmpty()) {
                    variables.replaceAll((name, value) -> value instanceof DpSpec spec ? respent(spec, specs) : value);
                }
                variables.put(StatementTime.VARIABLE, statementTime);
                variables.put(ConsentCall.RUNTIME, new ConsentUnits(statementTime, cancelFlag, memory));
                ExecutionContext context =
                        new ExecutionContext(rootSchema, typeFactory, user, variables, cancelFlag, releases);
                context.useMemory(memory);
                // Generated code evaluates constant expressions in static initializers: a failure
                // there (1 / 0) is an ExceptionInInitializerError from bind or enumerator.
                Enumerator<Object> rows = bindable.bind(context).enumerator();
                return new RowEnumerator(rows, fieldCount, memory);
            } catch (RuntimeException | OutOfMemoryError | LinkageError e) {
                memory.close();
                throw ExecutionErrors.translate(e);
            }
        }
    }

    /** The spec of {@code compiled}'s release in {@code specs}, which must differ from it in its budget only. */
    private static DpSpec respent(DpSpec compiled, Map<Integer, DpSpec> specs) {
        DpSpec spec = specs.get(compiled.release());
        if (spec == null
                || !spec.withBudget(compiled.epsilon(), compiled.delta()).equals(compiled)) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "A differentially private aggregate of the plan was not given its budget; nothing was run");
        }
        return spec;
    }

    /** Normalizes the runtime's row shapes (scalar, array, list) to {@code Object[]}. */
    private static final class RowEnumerator implements Enumerator<Object[]> {
        private final Enumerator<Object> delegate;
        private final int fieldCount;
        private final StatementMemory memory;

        RowEnumerator(Enumerator<Object> delegate, int fieldCount, StatementMemory memory) {
            this.delegate = delegate;
            this.fieldCount = fieldCount;
            this.memory = memory;
        }

        @Override
        public Object[] current() {
            Object row;
            try {
                row = delegate.current();
            } catch (OutOfMemoryError e) {
                throw ExecutionErrors.translate(e);
            }
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
            try {
                delegate.close();
            } finally {
                memory.close();
            }
        }
    }
}
