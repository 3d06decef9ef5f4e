package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.budget.BudgetLedger;
import dev.veil.budget.StoredReleases;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.control.CpuScheduler;
import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.exec.Optimizer;
import dev.veil.exec.QueryExecution;
import dev.veil.exec.privacy.DpReleases;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import dev.veil.rewrite.DpQueryOptions;
import dev.veil.rewrite.PrivacyCost;
import dev.veil.rewrite.ReleaseFingerprints;
import dev.veil.rewrite.ReleaseFingerprints.Fingerprint;
import dev.veil.rewrite.RewriteResult;
import dev.veil.rewrite.ScanRules;
import dev.veil.schema.InformationSchema;
import dev.veil.schema.SystemSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlNode;

/**
 * A query planned end to end: validated, converted, normalized, privacy-rewritten and optimized,
 * ready to run. Every statement that reads tables goes through here.
 */
public final class PlannedQuery {
    private final PlannerContext planner;
    private final List<ResultColumn> columns;
    private final EnumerableRel plan;
    private final RewriteResult rewrite;
    private final PrivacyCost cost;
    /** The plan's DP aggregates by number, each charged once per execution (or replayed). */
    private final Map<Integer, DpSpec> releases;
    /** What each of them answers (consistent answers, see {@link StoredReleases}). */
    private final Map<Integer, Fingerprint> fingerprints;

    private final String text;
    /** Whether the plan reads only stored tables (no system or information-schema table): a plan cache may keep it. */
    private final boolean cacheable;
    /** The purpose and reads noted for the audit when it was planned (null if it read nothing). */
    private final String purpose;

    private final String reads;
    /**
     * The compiled plan, made by the first execution and reused by later ones (see {@link PlanCache}),
     * also by this plan at another ε ({@link #atEpsilon}), which shares it.
     */
    private final Code code;

    /** The compiled plan of a query and of the same query at other ε. */
    private static final class Code {
        private final EnumerableRel plan;
        private QueryExecution.Compiled compiled;

        Code(EnumerableRel plan) {
            this.plan = plan;
        }

        synchronized QueryExecution.Compiled compiled() {
            if (compiled == null) {
                compiled = QueryExecution.compile(plan);
            }
            return compiled;
        }
    }

    private PlannedQuery(
            PlannerContext planner,
            List<ResultColumn> columns,
            EnumerableRel plan,
            RewriteResult rewrite,
            PrivacyCost cost,
            Map<Integer, DpSpec> releases,
            Map<Integer, Fingerprint> fingerprints,
            String text,
            boolean cacheable,
            String purpose,
            String reads,
            Code code) {
        this.code = code == null ? new Code(plan) : code;
        this.text = text;
        this.cacheable = cacheable;
        this.purpose = purpose;
        this.reads = reads;
        this.cost = cost;
        this.releases = new TreeMap<>(releases);
        this.fingerprints = Map.copyOf(fingerprints);
        this.planner = planner;
        this.columns = List.copyOf(columns);
        this.plan = plan;
        this.rewrite = rewrite;
    }

    /** Plans a query ({@code SELECT}, {@code VALUES}, set operations, {@code WITH}). */
    public static PlannedQuery plan(SqlNode query, StatementContext context) {
        requireNonNull(query, "query is null");
        return plan(query, query.toString(), context);
    }

    /**
     * The plan of a query, reused from the warehouse's {@link PlanCache} when the same statement
     * was planned before for the same user, roles, session settings and catalog generation.
     */
    public static PlannedQuery planCached(SqlNode query, StatementContext context) {
        requireNonNull(query, "query is null");
        String text = query.toString();
        // The session's epsilon is not in the cache key: a plan is the same at any, its budget
        // applied here; except a plan whose remote statements were made for its budget, planned
        // again (not cached) at another.
        PlannedQuery planned = PlanCache.of(context.warehouse())
                .plan(text, context, () -> plan(query, text, context))
                .atEpsilon(context.settings().epsilon())
                .orElseGet(() -> plan(query, text, context));
        // A cached plan's statement is audited with the purpose and reads its planning noted.
        if (planned.reads != null) {
            context.control().used(planned.purpose, planned.reads);
        }
        return planned;
    }

    /** Whether the plan of {@code query} is in the plan cache now (counts nothing). */
    static boolean isCached(SqlNode query, StatementContext context) {
        return PlanCache.of(context.warehouse()).holds(query.toString(), context);
    }

    private static PlannedQuery plan(SqlNode query, String text, StatementContext context) {
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        DpSelectOptions.Extracted dp = DpSelectOptions.extract(query);
        SqlNode validated = planner.validate(FriendlyNames.apply(dp.query()));
        // Each step of planning may be long on a huge statement: a cancel or a time limit lands between them.
        StatementControl.check(context.cancelFlag());
        RelRoot root = planner.toRel(validated);
        StatementControl.check(context.cancelFlag());
        return fromLogical(planner, root.project(), root.validatedRowType, context, text, dp.options());
    }

    /** Plans an already converted logical plan whose output is labelled by {@code labels}. */
    static PlannedQuery fromLogical(
            PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context) {
        return fromLogical(planner, logical, labels, context, "INSERT ... SELECT");
    }

    /** Plans an already converted logical plan; {@code text} names it in the budget ledger. */
    static PlannedQuery fromLogical(
            PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context, String text) {
        return fromLogical(planner, logical, labels, context, text, DpQueryOptions.NONE);
    }

    /** As above, with the options of a {@code SELECT WITH DIFFERENTIAL_PRIVACY} ({@link DpSelectOptions}). */
    static PlannedQuery fromLogical(
            PlannerContext planner,
            RelNode logical,
            RelDataType labels,
            StatementContext context,
            String text,
            DpQueryOptions dpOptions) {
        boolean cacheable = checkSystemTables(logical, planner.principal());
        StatementScanRules.checkConsentSources(logical, planner.principal(), context);
        RelNode normalized = Optimizer.normalize(logical);
        StatementControl.check(context.cancelFlag());
        RewriteResult rewrite;
        String purpose = null;
        String reads = null;
        if (EmptyPlans.alwaysEmpty(normalized)) {
            rewrite = probe(normalized, context, dpOptions);
        } else {
            ScanRules rules = StatementScanRules.of(context, planner.principal());
            purpose = rules.purpose().orElse(null);
            reads = StatementScanRules.reads(normalized, rules);
            context.control().used(purpose, reads);
            rewrite = context.rewriter()
                    .rewrite(normalized, planner.principal(), context.settings().epsilon(), rules, dpOptions);
        }
        StatementControl.check(context.cancelFlag());
        EnumerableRel plan = Optimizer.optimize(rewrite.plan(), PublicTables.of(normalized));
        Map<Integer, DpSpec> boundaries = DpReleases.boundaries(plan);
        PrivacyCost cost = cost(boundaries.values(), rewrite);
        List<ResultColumn> columns = new ArrayList<>();
        List<String> names = labels.getFieldNames();
        List<RelDataTypeField> fields = plan.getRowType().getFieldList();
        for (int i = 0; i < fields.size(); i++) {
            columns.add(new ResultColumn(names.get(i), fields.get(i).getType()));
        }
        Map<Integer, Fingerprint> fingerprints = boundaries.isEmpty()
                ? Map.of()
                : ReleaseFingerprints.of(rewrite.plan(), planner.principal().name(), rewrite.policies());
        for (Integer release : boundaries.keySet()) {
            if (!fingerprints.containsKey(release)) {
                throw new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "A differentially private aggregate of the physical plan is not in the rewritten plan");
            }
        }
        return new PlannedQuery(
                planner, columns, plan, rewrite, cost, boundaries, fingerprints, text, cacheable, purpose, reads, null);
    }

    /**
     * This query as its session's {@code SET EPSILON} of {@code sessionEpsilon} has it spend: the
     * same plan and compiled code, with each DP aggregate's budget what planning at that ε gives it
     * ({@link RewriteResult#atEpsilon}), and with the fingerprints and cost of that budget. So a
     * cached plan serves a statement asked at any ε: each execution still charges its own budget,
     * draws its own noise once per DP aggregate, and replays a stored release only when it asks at
     * the stored release's ε. Fails as planning does when the session asks for more than the
     * policies allow. This query itself when it was planned at that ε; empty when a DP aggregate
     * of the physical plan was planned for its budget ({@link DpAggregate#plannedForBudget}: a
     * remote statement made for it), so the query must be planned at that ε.
     */
    Optional<PlannedQuery> atEpsilon(OptionalDouble sessionEpsilon) {
        double epsilon = rewrite.allocation().epsilonAt(sessionEpsilon);
        RewriteResult again = rewrite.atEpsilon(epsilon);
        if (again == rewrite) {
            return Optional.of(this);
        }
        if (DpAggregate.findAll(plan).stream().anyMatch(DpAggregate::plannedForBudget)) {
            return Optional.empty();
        }
        Map<Integer, DpSpec> specs = new HashMap<>();
        for (DpAggregate b : DpAggregate.findAll(again.plan())) {
            specs.put(b.spec().release(), b.spec());
        }
        EnumerableRel physical = (EnumerableRel) DpAggregate.replaceSpecs(plan, spec -> {
            DpSpec respent = specs.get(spec.release());
            if (respent == null) {
                throw new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "A differentially private aggregate of the physical plan is not in the rewritten plan");
            }
            return respent;
        });
        Map<Integer, DpSpec> boundaries = DpReleases.boundaries(physical);
        Map<Integer, Fingerprint> prints =
                ReleaseFingerprints.of(again.plan(), planner.principal().name(), again.policies());
        return Optional.of(new PlannedQuery(
                planner,
                columns,
                physical,
                again,
                cost(boundaries.values(), again),
                boundaries,
                prints,
                text,
                cacheable,
                purpose,
                reads,
                code));
    }

    /**
     * Refuses the statement if it names a system table its principal may not read. Checked on the
     * plan as the validator built it, before any simplification can remove the scan (a filter
     * that is always false, a zero limit), so that the answer never skips the check. Returns whether
     * it names none (its plan may be cached).
     */
    private static boolean checkSystemTables(RelNode logical, Principal principal) {
        AtomicBoolean stored = new AtomicBoolean(true);
        logical.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(TableScan scan) {
                List<String> name = scan.getTable().getQualifiedName();
                if (name.isEmpty()
                        || name.get(0).equals(SystemSchema.NAME)
                        || name.get(0).equals(InformationSchema.NAME)) {
                    stored.set(false);
                }
                if (name.size() == 2 && name.get(0).equals(SystemSchema.NAME)) {
                    SystemSchema.checkReadable(name.get(1), principal.name(), principal.isAdmin());
                }
                if (name.size() == 2 && name.get(0).equals(InformationSchema.NAME)) {
                    InformationSchema.checkReadable(name.get(1), principal.name(), principal.isAdmin());
                }
                return scan;
            }
        });
        return stored.get();
    }

    /**
     * Lets go of the cost-based planner's memo (every alternative it considered), which the plan's
     * cluster would otherwise keep for as long as the plan is cached. Planning is over by then.
     */
    void releasePlanner() {
        planner.cluster().getPlanner().clear();
    }

    /** Whether a plan cache may keep this plan (it reads no system or information-schema table). */
    boolean cacheable() {
        return cacheable;
    }

    /** The number of operators of the physical plan (an entry's weight in the plan cache). */
    int planSize() {
        int[] count = {0};
        List<RelNode> pending = new ArrayList<>(List.of(plan));
        while (!pending.isEmpty()) {
            count[0]++;
            pending.addAll(pending.remove(pending.size() - 1).getInputs());
        }
        return count[0];
    }

    /**
     * The plan of a zero-row probe ({@link EmptyPlans}): an empty {@code VALUES} with the columns the
     * query returns when it is allowed (the privacy rewrite's output types, for instance those of DP
     * aggregates), or, when the rewrite refuses the query, the columns as the principal sees them
     * (HIDDEN columns are absent, masked ones typed as their mask's result). Nothing is read, so
     * nothing is released or charged: the answer depends on the plan alone, never on data.
     */
    private static RewriteResult probe(RelNode normalized, StatementContext context, DpQueryOptions dpOptions) {
        RelDataType type;
        try {
            type = context.rewriter()
                    .rewrite(
                            normalized,
                            context.principal(),
                            context.settings().epsilon(),
                            StatementScanRules.of(context, context.principal()),
                            dpOptions)
                    .plan()
                    .getRowType();
        } catch (VeilException refused) {
            type = normalized.getRowType();
        }
        if (type.getFieldCount() != normalized.getRowType().getFieldCount()) {
            type = normalized.getRowType();
        }
        RelNode empty = LogicalValues.createEmpty(normalized.getCluster(), type);
        return new RewriteResult(
                empty,
                PrivacyCost.ZERO,
                List.of(),
                List.of("Zero-row probe: the query returns no rows for any data (a constant-false filter or a"
                        + " zero limit); nothing is read, released or charged"),
                empty);
    }

    /**
     * What running the physical plan spends: the sum over its DP aggregates, each once (the
     * optimizer may drop one whose rows are never needed, never add one). Fails with
     * INTERNAL_ERROR when a DP aggregate of the plan is not among those the rewrite allocated, or
     * the plan would spend more than the rewrite's cost.
     */
    private static PrivacyCost cost(Collection<DpSpec> boundaries, RewriteResult rewrite) {
        Set<Integer> allocated = new HashSet<>();
        for (DpAggregate b : DpAggregate.findAll(rewrite.plan())) {
            allocated.add(b.spec().release());
        }
        double epsilon = 0;
        double delta = 0;
        for (DpSpec spec : boundaries) {
            if (!allocated.contains(spec.release())) {
                throw new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "The physical plan has a differentially private "
                                + "aggregate that the privacy rewrite did not allocate a budget to");
            }
            if (spec.spent().isPresent()) {
                epsilon += spec.spent().get().epsilon();
                delta += spec.spent().get().delta();
            }
        }
        PrivacyCost allowed = rewrite.cost();
        double slack = 1e-9;
        if (epsilon > allowed.epsilon() * (1 + slack) || delta > allowed.delta() * (1 + slack)) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "The physical plan would spend more privacy budget than " + "the privacy rewrite allocated");
        }
        return epsilon == 0 && delta == 0 ? PrivacyCost.ZERO : new PrivacyCost(epsilon, delta);
    }

    public List<ResultColumn> columns() {
        return columns;
    }

    public org.apache.calcite.adapter.java.JavaTypeFactory typeFactory() {
        return planner.typeFactory();
    }

    public RewriteResult rewrite() {
        return rewrite;
    }

    /** The physical plan as text, one operator per line. */
    public String explain() {
        return RelOptUtil.toString(plan);
    }

    /**
     * What one run of the physical plan spends: each of its differentially private aggregates
     * once, however often the plan enumerates it. At most the rewrite's cost (less when the
     * optimizer dropped an aggregate whose rows are never needed).
     */
    public PrivacyCost cost() {
        return cost;
    }

    /** What each DP aggregate of the plan answers, by release number (for EXPLAIN PRIVACY). */
    public Map<Integer, Fingerprint> fingerprints() {
        return fingerprints;
    }

    /**
     * The notice on the result of a query whose groups pass DP partition selection: it says that
     * selection is in force, never how many groups it dropped (that count is not private).
     */
    public static final String PARTITION_SELECTION_NOTICE = "Differential privacy: partition selection is in"
            + " force; groups with few privacy units may be left out of the result (how many is never said)";

    /** Whether a DP aggregate of the plan releases its groups through DP partition selection. */
    public boolean selectsPartitions() {
        return releases.values().stream().anyMatch(DpSpec::partitionSelection);
    }

    /**
     * Starts the query; the caller closes the enumerator. A query with noisy results is first
     * charged to the user's privacy budget, durably, and fails with BUDGET_EXHAUSTED if it does not
     * fit: every run draws fresh noise, once per DP aggregate, and charges for it once, except for
     * the DP aggregates that answer a question already answered on the same data (the same
     * fingerprint, see {@link ReleaseFingerprints}): they replay the stored release, the same rows,
     * at no charge (see {@link StoredReleases}). A first ask is serialized per fingerprint, so two
     * statements asking the same question at once are charged once; its row in the store is
     * written in the charge's transaction, and its rows are stored before any is returned.
     */
    public Enumerator<Object[]> execute(StatementContext context) {
        return start(context, true).rows();
    }

    /** A started query: its rows, and the (ε, δ) its run was charged (0 for what was replayed). */
    private record Started(Enumerator<Object[]> rows, double epsilon, double delta) {}

    /**
     * Starts the query. With {@code syncedCharge}, its charge is on disk before it runs; without
     * (only for {@link #run}, whose rows the session releases only after a synced audit write),
     * the charge commits unsynced and that write puts it on disk while the query runs.
     */
    private Started start(StatementContext context, boolean syncedCharge) {
        Map<String, Integer> firstOf = new TreeMap<>();
        Map<Integer, Integer> sameAs = new HashMap<>();
        for (Integer release : releases.keySet()) {
            Optional<String> digest = fingerprints.get(release).digest();
            if (digest.isPresent()) {
                Integer first = firstOf.putIfAbsent(digest.get(), release);
                if (first != null) {
                    sameAs.put(release, first);
                }
            }
        }
        if (firstOf.isEmpty()) {
            charge(context, cost.epsilon(), cost.delta(), (c, charge) -> {}, syncedCharge);
            return new Started(start(context, new DpReleases(releases.keySet())), cost.epsilon(), cost.delta());
        }
        SqliteCatalog catalog = context.warehouse().sqliteCatalog();
        StoredReleases store = StoredReleases.of(catalog);
        AtomicBoolean cancelFlag = context.cancelFlag();
        StoredReleases.Claim claim =
                store.claim(firstOf.keySet(), context.settings(), () -> StatementControl.check(cancelFlag), () -> {
                    CpuScheduler.Paused paused = CpuScheduler.pauseCurrent();
                    return paused::resume;
                });
        try {
            Map<String, List<Object[]>> stored =
                    catalog.writeLogUnsynced(c -> StoredReleases.stored(c, firstOf.keySet()));
            Map<Integer, List<Object[]>> replays = new HashMap<>();
            Set<Integer> charged = new HashSet<>();
            List<String> reserved = new ArrayList<>();
            double epsilon = 0;
            double delta = 0;
            for (Map.Entry<Integer, DpSpec> boundary : releases.entrySet()) {
                int release = boundary.getKey();
                if (sameAs.containsKey(release)) {
                    continue;
                }
                Optional<String> digest = fingerprints.get(release).digest();
                if (digest.isPresent() && stored.containsKey(digest.get())) {
                    replays.put(release, stored.get(digest.get()));
                    continue;
                }
                charged.add(release);
                if (digest.isPresent() && claim.holds(digest.get())) {
                    reserved.add(digest.get());
                }
                if (boundary.getValue().spent().isPresent()) {
                    epsilon += boundary.getValue().spent().get().epsilon();
                    delta += boundary.getValue().spent().get().delta();
                }
            }
            int replayed = replays.size() + sameAs.size();
            BudgetLedger.ChargeRecord record = (c, charge) -> {
                for (String digest : reserved) {
                    StoredReleases.reserve(c, digest);
                }
                context.control().replayed(c, replayed);
            };
            if (epsilon > 0 || delta > 0) {
                charge(context, epsilon, delta, record, syncedCharge);
            } else {
                // A replay is free, but only for a user to whom a budget applies (as a first ask needs).
                BudgetLedger.of(catalog).requireBudget(context.principal());
                SqliteCatalog.SqlWork<Void> write = c -> {
                    record.record(c, null);
                    return null;
                };
                if (syncedCharge) {
                    catalog.writeLog(write);
                } else {
                    catalog.writeLogUnsynced(write);
                }
            }
            Set<String> storable = Set.copyOf(reserved);
            DpReleases dpReleases = new DpReleases(charged, replays, sameAs, (release, rows) -> {
                Fingerprint fingerprint = fingerprints.get(release);
                String digest = fingerprint.digest().orElse(null);
                if (digest != null && storable.contains(digest)) {
                    store.store(digest, rows, fingerprint.versions());
                    claim.release(digest);
                }
            });
            Enumerator<Object[]> rows = start(context, dpReleases);
            return new Started(new ClaimedRows(rows, claim), epsilon, delta);
        } catch (RuntimeException | Error e) {
            claim.close();
            throw e;
        }
    }

    /** Charges {@code epsilon} and {@code delta} for the statement, with {@code record} in the charge's transaction. */
    private void charge(
            StatementContext context, double epsilon, double delta, BudgetLedger.ChargeRecord record, boolean synced) {
        if (epsilon == 0 && delta == 0) {
            return;
        }
        // The statement's audit entry notes the charge in the charge's own transaction.
        BudgetLedger.ChargeRecord audited = (catalog, charge) -> {
            context.control().charged(catalog, charge.epsilon(), charge.delta());
            record.record(catalog, charge);
        };
        BudgetLedger ledger = BudgetLedger.of(context.warehouse());
        if (synced) {
            ledger.charge(context.principal(), epsilon, delta, text, audited);
            return;
        }
        // Unsynced: the rows wait for the audit entry's synced write, which puts the charge on disk first.
        ledger.chargeBeforeSyncedRelease(context.principal(), epsilon, delta, text, audited);
    }

    private Enumerator<Object[]> start(StatementContext context, DpReleases dpReleases) {
        StatementMemory memory = StatementMemoryLimit.forStatement(context);
        QueryExecution.Compiled code;
        try {
            code = compiled();
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
        return code.execute(
                planner.rootSchema(),
                planner.typeFactory(),
                context.user(),
                context.cancelFlag(),
                dpReleases,
                memory,
                context.control().statementTime(),
                releases);
    }

    /** The compiled plan: compiled by the first execution, reused by every later one (each with its own state). */
    private QueryExecution.Compiled compiled() {
        return code.compiled();
    }

    /** The rows of a statement that holds fingerprints: closing it lets go of those it still holds. */
    private static final class ClaimedRows implements Enumerator<Object[]> {
        private final Enumerator<Object[]> rows;
        private final StoredReleases.Claim claim;

        ClaimedRows(Enumerator<Object[]> rows, StoredReleases.Claim claim) {
            this.rows = rows;
            this.claim = claim;
        }

        @Override
        public Object[] current() {
            return rows.current();
        }

        @Override
        public boolean moveNext() {
            try {
                return rows.moveNext();
            } catch (RuntimeException | Error e) {
                claim.close();
                throw e;
            }
        }

        @Override
        public void reset() {
            rows.reset();
        }

        @Override
        public void close() {
            try {
                rows.close();
            } finally {
                claim.close();
            }
        }
    }

    /** Starts the query as a result set. */
    public RowsResult run(StatementContext context) {
        Started started = start(context, false);
        return new RowsResult(
                columns,
                started.rows(),
                started.epsilon(),
                started.delta(),
                selectsPartitions() ? List.of(PARTITION_SELECTION_NOTICE) : List.of());
    }
}
