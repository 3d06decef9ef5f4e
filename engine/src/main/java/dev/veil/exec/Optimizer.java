package dev.veil.exec;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.exec.aggregate.VectorAggregates;
import dev.veil.exec.join.AggregateProbeSide;
import dev.veil.exec.join.DynamicFilterPlanner;
import dev.veil.exec.join.FilterFactorRule;
import dev.veil.exec.join.GreedyJoinOrderRule;
import dev.veil.exec.join.HashJoinCost;
import dev.veil.exec.join.JoinFactorRule;
import dev.veil.exec.join.JoinPreAggregateRule;
import dev.veil.exec.join.JoinSelectivity;
import dev.veil.exec.join.LeftJoinCountRule;
import dev.veil.exec.join.LongHashJoinRule;
import dev.veil.exec.join.NestedLoopSpools;
import dev.veil.exec.join.SemiJoinRules;
import dev.veil.exec.join.SemiJoinScans;
import dev.veil.exec.join.SmallerBuildSide;
import dev.veil.exec.join.SubsetDistinctRowCount;
import dev.veil.exec.join.SubsetPopulationSize;
import dev.veil.exec.privacy.DpBatches;
import dev.veil.exec.privacy.EnumerableGroupSummedDpAggregate;
import dev.veil.exec.privacy.EnumerablePreSummedDpAggregate;
import dev.veil.exec.privacy.GroupSummedDpAggregator;
import dev.veil.exec.privacy.PreSummedDpAggregator;
import dev.veil.exec.privacy.PrivacyRules;
import dev.veil.exec.remote.RemoteContributionBounds;
import dev.veil.exec.remote.RemoteQueries;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.exec.runtime.RuleConfig;
import dev.veil.exec.scan.ArrowRules;
import dev.veil.plan.CheckedArithmetic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContexts;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCostImpl;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRules;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.JoinPushThroughJoinRule;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.apache.calcite.util.CancelFlag;

/**
 * Turns logical plans into executable ones, in two steps with the privacy rewrite between them:
 * {@link #normalize} removes sub-queries and correlation (so the rewriter sees plain relational
 * operators), {@link #optimize} trims unused fields, orders joins heuristically and chooses the
 * physical operators. Neither step changes what a plan computes.
 */
public final class Optimizer {
    private Optimizer() {}

    /** A fresh cost-based planner with Calcite's standard rules and Veil's Arrow scan rules. */
    public static VolcanoPlanner newPlanner() {
        return newPlanner(new AtomicBoolean());
    }

    /**
     * A fresh cost-based planner that stops at its next rule once {@code cancelFlag} is set, so that
     * a cancel or a time limit also lands while a statement is being planned ({@link #optimize}
     * then fails with QUERY_CANCELLED).
     */
    public static VolcanoPlanner newPlanner(AtomicBoolean cancelFlag) {
        VolcanoPlanner planner = new VolcanoPlanner(null, Contexts.of(new CancelFlag(cancelFlag)));
        planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
        planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
        RelOptUtil.registerDefaultRules(planner, false, false);
        // A merge join needs both inputs sorted, and Calcite's enumerable sort is a TreeMap of rows:
        // on analytic equi-joins a hash join is always cheaper.
        planner.removeRule(EnumerableRules.ENUMERABLE_MERGE_JOIN_RULE);
        // ORDER BY with LIMIT as one top-N operator: it keeps only the first rows (LIMIT + OFFSET of
        // them, the earlier input row first among equal keys, as the full sort does), where a sort
        // under a limit puts every input row in a TreeMap first (TPC-H Q10 sorted 38,000 groups for 20).
        planner.addRule(EnumerableRules.ENUMERABLE_LIMIT_SORT_RULE);
        ArrowRules.ALL.forEach(planner::addRule);
        // Equi-joins on integer keys: a hash table of primitive keys, preferred over Calcite's where it
        // applies (part of the columnar layer, which ExecutionOptions may turn off to compare paths).
        if (ExecutionOptions.current().columnar()) {
            planner.addRule(LongHashJoinRule.INSTANCE);
            SemiJoinRules.PHYSICAL.forEach(planner::addRule);
        }
        PrivacyRules.ALL.forEach(planner::addRule);
        // Lets the constant-folding rules evaluate constant expressions; without an executor they do nothing.
        planner.setExecutor(new RexExecutorImpl(DataContexts.EMPTY));
        return planner;
    }

    /**
     * Rewrites sub-queries into joins and decorrelates; the result has no {@code RexSubQuery}, and
     * its integer arithmetic is checked ({@link CheckedArithmetic}).
     */
    public static RelNode normalize(RelNode logical) {
        Program program =
                Programs.sequence(Programs.subQuery(DefaultRelMetadataProvider.INSTANCE), Programs.decorrelate());
        RelOptPlanner planner = logical.getCluster().getPlanner();
        return CheckedArithmetic.apply(program.run(planner, logical, logical.getTraitSet(), List.of(), List.of()));
    }

    /**
     * Calcite's metadata with Veil's estimates first: join selectivity from distinct key counts and
     * the cost of hash joins (scans get their estimates from {@link ArrowTable}'s statistics through the default handlers).
     */
    static final RelMetadataProvider METADATA = ChainedRelMetadataProvider.of(List.of(
            ReflectiveRelMetadataProvider.reflectiveSource(
                    new JoinSelectivity(), BuiltInMetadata.Selectivity.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(
                    new SubsetDistinctRowCount(), BuiltInMetadata.DistinctRowCount.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(
                    new SubsetPopulationSize(), BuiltInMetadata.PopulationSize.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(
                    new HashJoinCost(), BuiltInMetadata.NonCumulativeCost.Handler.class),
            DefaultRelMetadataProvider.INSTANCE));

    /** Simplifications applied before join ordering; each keeps what the plan computes. */
    private static final List<RelOptRule> SIMPLIFY = List.of(
            FilterFactorRule.config().toRule(),
            // The same for a join's condition, where the privacy rewrite moved the WHERE of FROM a, b WHERE ...
            JoinFactorRule.config().toRule(),
            // Folds constant expressions such as DATE '1994-01-01' + INTERVAL '1' YEAR, so that
            // the comparisons holding them can be pushed into scans and are not evaluated per row.
            CoreRules.FILTER_REDUCE_EXPRESSIONS,
            CoreRules.PROJECT_REDUCE_EXPRESSIONS,
            CoreRules.JOIN_REDUCE_EXPRESSIONS);

    private static boolean isCancelled(RelOptPlanner planner) {
        CancelFlag flag = planner.getContext().unwrap(CancelFlag.class);
        return flag != null && flag.isCancelRequested();
    }

    /**
     * Chooses the physical plan of a normalized (and privacy-rewritten) logical plan; QUERY_CANCELLED
     * if the planner's cancel flag ({@link #newPlanner(AtomicBoolean)}) is set meanwhile.
     */
    public static EnumerableRel optimize(RelNode logical) {
        return optimize(logical, Set.of());
    }

    /**
     * As {@link #optimize(RelNode)}, knowing the tables that the statement's principal reads without
     * any policy ({@code publicTables}, qualified names): a DP aggregate may then read only the
     * groups that a join with key sets from those tables alone keeps ({@link
     * DynamicFilterPlanner#apply(RelNode, Set)}).
     */
    public static EnumerableRel optimize(RelNode logical, Set<List<String>> publicTables) {
        RelOptCluster cluster = logical.getCluster();
        cluster.setMetadataProvider(METADATA);
        cluster.invalidateMetadataQuery();
        RelOptPlanner planner = cluster.getPlanner();
        // Scans of foreign tables, and what their remote can do above them, go to the remote.
        RemoteQueries.prepare(logical, planner);
        Program program = Programs.sequence(
                // EXISTS, IN and NOT EXISTS as semi and anti joins (part of the columnar layer), first
                // while the outer query's copies that decorrelation made are still identical.
                hep(instances(ExecutionOptions.current().columnar() ? SemiJoinRules.LOGICAL : List.of()), true),
                Programs.trim(),
                // COUNTs of a LEFT join's right side counted before the join (part of the columnar layer).
                hep(
                        instances(
                                ExecutionOptions.current().columnar()
                                        ? List.of(
                                                LeftJoinCountRule.config().toRule(),
                                                LeftJoinCountRule.projectedConfig()
                                                        .toRule())
                                        : List.of()),
                        true),
                hep(instances(SIMPLIFY), true),
                // Again for the shapes the simplifications made.
                hep(instances(ExecutionOptions.current().columnar() ? SemiJoinRules.LOGICAL : List.of()), true),
                // Sums of one side of a join summed per join key before it (part of the columnar layer).
                hep(
                        instances(
                                ExecutionOptions.current().columnar()
                                        ? JoinPreAggregateRule.configs().stream()
                                                .map(RuleConfig::toRule)
                                                .toList()
                                        : List.of()),
                        true),
                joinOrder(planner.getRules()),
                hep(instances(RelOptRules.CALC_RULES), true));
        RelTraitSet desired =
                logical.getTraitSet().replace(EnumerableConvention.INSTANCE).simplify();
        RelNode physical;
        try {
            physical = program.run(planner, logical, desired, List.of(), List.of());
        } catch (RuntimeException e) {
            if (isCancelled(planner)) {
                // A stopped cost-based planner gives up and may find no plan at all.
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled", e);
            }
            throw e;
        }
        if (isCancelled(planner)) {
            // It stopped early with the best plan so far; the statement is stopped all the same.
            throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
        }
        // Remote sub-plans become leaves that hold their SQL; a DP aggregate's remote input bounds
        // each unit's contribution remotely, and sums it per (group, unit) when the aggregate
        // can take pre-summed rows (which it clamps again). Aggregations straight over a scan run
        // vectorized, and DP aggregates over a scan read its batches; dynamic join filters are
        // then planned for the scans that are left and for the aggregations' group keys.
        // Before the dynamic filters: a join hashing an aggregation is turned round when the
        // other side's keys can filter the aggregation's input instead.
        // After them: a join whose build side only filters a scan by its (unique) keys becomes
        // that scan under the exact filter, an aggregation above it vectorized.
        RelNode filtered = DynamicFilterPlanner.apply(
                AggregateProbeSide.apply(DpBatches.fuse(
                        VectorAggregates.fuse(RemoteContributionBounds.apply(RemoteQueries.seal(physical), PRE_SUMMED)),
                        publicTables)),
                publicTables);
        // Last: the inner input of a nested-loop join that does not depend on the outer row is
        // computed once per execution, not once per outer row.
        return (EnumerableRel)
                NestedLoopSpools.apply(VectorAggregates.fuseSemiJoins(SemiJoinScans.apply(filtered, publicTables)));
    }

    /** The DP aggregate over rows a remote database summed per (group, unit). */
    private static final RemoteContributionBounds.PreSummedAggregates PRE_SUMMED =
            new RemoteContributionBounds.PreSummedAggregates() {
                @Override
                public boolean supports(dev.veil.plan.DpSpec spec) {
                    return PreSummedDpAggregator.supports(spec);
                }

                @Override
                public org.apache.calcite.rel.RelNode create(
                        org.apache.calcite.rel.RelNode input, dev.veil.plan.DpSpec spec) {
                    return EnumerablePreSummedDpAggregate.create(input, spec);
                }

                @Override
                public java.util.List<dev.veil.dp.StepGrid> groupGrids(dev.veil.plan.DpSpec spec) {
                    return GroupSummedDpAggregator.grids(spec);
                }

                @Override
                public org.apache.calcite.rel.RelNode createGroupSummed(
                        org.apache.calcite.rel.RelNode input,
                        dev.veil.plan.DpSpec spec,
                        java.util.List<dev.veil.dp.StepGrid> grids) {
                    return EnumerableGroupSummedDpAggregate.create(input, spec, grids);
                }
            };

    /** A heuristic program that applies each rule in turn, as {@link Programs#hep} builds it. */
    private static HepProgram instances(List<RelOptRule> rules) {
        HepProgramBuilder builder = HepProgram.builder();
        rules.forEach(builder::addRuleInstance);
        return builder.build();
    }

    /**
     * A heuristic phase, like {@link Programs#of(HepProgram, boolean, RelMetadataProvider)}, whose
     * planner shares the cost-based planner's context: its cancel flag stops the phase at the next
     * rule (Calcite's own heuristic programs get no context, so a cancel or a time limit waited for
     * them to finish).
     */
    private static Program hep(HepProgram hepProgram, boolean noDag) {
        return (planner, rel, requiredOutputTraits, materializations, lattices) -> {
            HepPlanner hepPlanner =
                    new HepPlanner(hepProgram, planner.getContext(), noDag, null, RelOptCostImpl.FACTORY);
            List<RelMetadataProvider> providers = new ArrayList<>(List.of(METADATA));
            hepPlanner.registerMetadataProviders(providers);
            rel.getCluster().setMetadataProvider(ChainedRelMetadataProvider.of(providers));
            hepPlanner.setRoot(rel);
            return hepPlanner.findBestExp();
        };
    }

    /**
     * Calcite's heuristic join ordering (joins of three or more inputs are collected into a
     * multi-join and ordered greedily by estimated sizes, left-deep by Calcite's rule and possibly
     * bushy by {@link GreedyJoinOrderRule}, the cheaper kept; a single join gets its smaller input as
     * the build side, {@link SmallerBuildSide}), using {@link #METADATA} rather than
     * the default metadata that {@link Programs#heuristicJoinOrder} installs.
     */
    private static Program joinOrder(List<RelOptRule> rules) {
        return (planner, rel, requiredOutputTraits, materializations, lattices) -> {
            List<RelOptRule> list = new ArrayList<>(rules);
            list.removeAll(List.of(
                    CoreRules.JOIN_COMMUTE,
                    CoreRules.JOIN_ASSOCIATE,
                    JoinPushThroughJoinRule.LEFT,
                    JoinPushThroughJoinRule.RIGHT));
            Program program;
            if (RelOptUtil.countJoins(rel) < 2) {
                // One join: its smaller input (by estimate) becomes the hash join's build side.
                program = Programs.sequence((p, r, traits, m, l) -> SmallerBuildSide.apply(r), Programs.ofRules(list));
            } else {
                HepProgram multiJoin = new HepProgramBuilder()
                        .addRuleInstance(CoreRules.FILTER_INTO_JOIN)
                        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
                        .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
                        .build();
                list.add(CoreRules.MULTI_JOIN_OPTIMIZE);
                // A second, bushy order of the same joins; the cost-based planner keeps the cheaper.
                list.add(GreedyJoinOrderRule.config().toRule());
                program = Programs.sequence(hep(multiJoin, false), Programs.ofRules(list));
            }
            return program.run(planner, rel, requiredOutputTraits, materializations, lattices);
        };
    }
}
