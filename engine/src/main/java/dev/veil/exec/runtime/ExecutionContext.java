package dev.veil.exec.runtime;

import static java.util.Objects.requireNonNull;

import dev.veil.control.MemoryPool;
import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.schema.SchemaPlus;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The runtime context of one executing statement, as generated code sees it: the statement's
 * clock (fixed at its start, as the SQL standard asks of CURRENT_TIMESTAMP), its user, its cancel
 * flag, the objects the planner stashed for it, and the state its operators share across the
 * execution ({@link ExecutionState}: its dynamic join filters, the rows its differentially
 * private aggregates released).
 */
public final class ExecutionContext implements DataContext {
    private final SchemaPlus rootSchema;
    private final JavaTypeFactory typeFactory;
    private final Map<String, Object> variables;
    private final AtomicBoolean cancelFlag;
    private final Map<Class<? extends ExecutionState>, ExecutionState> states = new ConcurrentHashMap<>();
    private StatementMemory memory = UNACCOUNTED;

    /** The memory of contexts that were given none: no limit, on a pool of its own. */
    private static final StatementMemory UNACCOUNTED =
            new StatementMemory(Long.MAX_VALUE, "none", new MemoryPool(Long.MAX_VALUE, java.time.Duration.ZERO));

    /**
     * The context of an execution whose operators start from {@code states} (at most one of a
     * class); the state of any other class is made on its first use ({@link #state}).
     */
    public ExecutionContext(
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            Map<String, Object> stashed,
            AtomicBoolean cancelFlag,
            ExecutionState... states) {
        for (ExecutionState state : states) {
            requireNonNull(state, "state is null");
            if (this.states.putIfAbsent(state.getClass(), state) != null) {
                throw new IllegalArgumentException(
                        "two states of " + state.getClass().getSimpleName());
            }
        }
        this.rootSchema = requireNonNull(rootSchema, "rootSchema is null");
        this.typeFactory = requireNonNull(typeFactory, "typeFactory is null");
        this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        long now = System.currentTimeMillis();
        TimeZone zone = TimeZone.getTimeZone("UTC");
        Map<String, Object> map = new HashMap<>();
        map.put(Variable.UTC_TIMESTAMP.camelName, now);
        map.put(Variable.CURRENT_TIMESTAMP.camelName, now);
        map.put(Variable.LOCAL_TIMESTAMP.camelName, now);
        map.put(Variable.SYS_TIMESTAMP.camelName, now);
        map.put(Variable.TIME_ZONE.camelName, zone);
        map.put(Variable.TIME_FRAME_SET.camelName, typeFactory.getTypeSystem().deriveTimeFrameSet(TimeFrames.CORE));
        map.put(Variable.USER.camelName, requireNonNull(user, "user is null"));
        map.put(Variable.SYSTEM_USER.camelName, user);
        map.put(Variable.LOCALE.camelName, Locale.ROOT);
        map.put(Variable.CANCEL_FLAG.camelName, cancelFlag);
        map.putAll(requireNonNull(stashed, "stashed is null"));
        this.variables = map;
    }

    @Override
    public SchemaPlus getRootSchema() {
        return rootSchema;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
        return typeFactory;
    }

    @Override
    public @Nullable QueryProvider getQueryProvider() {
        return null;
    }

    @Override
    public @Nullable Object get(String name) {
        return variables.get(name);
    }

    /**
     * This execution's state of class {@code type}: the one the context was made with, else the
     * one {@code create} makes on the first call, which every later call returns.
     */
    public <T extends ExecutionState> T state(Class<T> type, Supplier<? extends T> create) {
        requireNonNull(create, "create is null");
        return type.cast(states.computeIfAbsent(type, t -> requireNonNull(create.get(), "create returned null")));
    }

    /** Makes the operators of this execution account what they keep to {@code memory}. */
    public void useMemory(StatementMemory memory) {
        this.memory = requireNonNull(memory, "memory is null");
    }

    /** The memory account of the statement a context runs; an unlimited one for contexts of other kinds. */
    public static StatementMemory memory(DataContext context) {
        return context instanceof ExecutionContext c ? c.memory : UNACCOUNTED;
    }

    /** The cancel flag of a context; a fresh, never-set flag for contexts that have none. */
    public static AtomicBoolean cancelFlag(DataContext context) {
        return StatementControl.cancelFlag(context);
    }
}
