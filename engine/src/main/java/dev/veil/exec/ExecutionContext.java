package dev.veil.exec;

import static java.util.Objects.requireNonNull;

import dev.veil.control.MemoryPool;
import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.schema.SchemaPlus;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The runtime context of one executing statement, as generated code sees it: the statement's
 * clock (fixed at its start, as the SQL standard asks of CURRENT_TIMESTAMP), its user, its cancel
 * flag, the objects the planner stashed for it, its dynamic join filters, and the rows its
 * differentially private aggregates released ({@link DpReleases}).
 */
public final class ExecutionContext implements DataContext {
    private final SchemaPlus rootSchema;
    private final JavaTypeFactory typeFactory;
    private final Map<String, Object> variables;
    private final AtomicBoolean cancelFlag;
    private final DynamicFilters dynamicFilters = new DynamicFilters();
    private final DpReleases dpReleases;
    private StatementMemory memory = UNACCOUNTED;

    /** The memory of contexts that were given none: no limit, on a pool of its own. */
    private static final StatementMemory UNACCOUNTED =
            new StatementMemory(Long.MAX_VALUE, "none", new MemoryPool(Long.MAX_VALUE, java.time.Duration.ZERO));

    /** The context of an execution that was charged for no DP aggregate. */
    public ExecutionContext(
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            Map<String, Object> stashed,
            AtomicBoolean cancelFlag) {
        this(rootSchema, typeFactory, user, stashed, cancelFlag, DpReleases.none());
    }

    public ExecutionContext(
            SchemaPlus rootSchema,
            JavaTypeFactory typeFactory,
            String user,
            Map<String, Object> stashed,
            AtomicBoolean cancelFlag,
            DpReleases dpReleases) {
        this.dpReleases = requireNonNull(dpReleases, "dpReleases is null");
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

    /** The key sets that this statement's hash joins have published for their probe-side scans. */
    DynamicFilters dynamicFilters() {
        return dynamicFilters;
    }

    /** The releases of this execution's differentially private aggregates. */
    DpReleases dpReleases() {
        return dpReleases;
    }

    /** Makes the operators of this execution account what they keep to {@code memory}. */
    void useMemory(StatementMemory memory) {
        this.memory = requireNonNull(memory, "memory is null");
    }

    /** The memory account of the statement a context runs; an unlimited one for contexts of other kinds. */
    static StatementMemory memory(DataContext context) {
        return context instanceof ExecutionContext c ? c.memory : UNACCOUNTED;
    }

    /** The cancel flag of a context; a fresh, never-set flag for contexts that have none. */
    static AtomicBoolean cancelFlag(DataContext context) {
        return StatementControl.cancelFlag(context);
    }
}
