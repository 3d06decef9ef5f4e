package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.exec.QueryExecution;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.schema.VeilTypeSystem;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.adapter.enumerable.EnumerableValues;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/**
 * The runtime guard of "one release per DP aggregate per execution": rows drawn once and replayed,
 * a second draw or an uncharged one failing with INTERNAL_ERROR before it draws; and the check of
 * a plan's DP aggregates against what was charged before it runs.
 */
class DpReleasesTest {
    private static final JavaTypeFactory TYPES = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
    private static final SchemaPlus ROOT = CalciteSchema.createRootSchema(false).plus();

    /** Unit u in group g ("b" rows first): 100 units in b, 100 in a. */
    private static List<Object[]> data() {
        List<Object[]> rows = new ArrayList<>();
        for (long u = 1; u <= 200; u++) {
            rows.add(new Object[] {u <= 100 ? "b" : "a", u});
        }
        return rows;
    }

    private static DpSpec spec(double epsilon) {
        return new DpSpec(
                        List.of(0),
                        1,
                        List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                        1,
                        1,
                        true,
                        1,
                        epsilon,
                        1e-6,
                        "t")
                .withRelease(0);
    }

    private static ExecutionContext context(Set<Integer> charged) {
        return new ExecutionContext(ROOT, TYPES, "eve", Map.of(), new AtomicBoolean(), new DpReleases(charged));
    }

    /** {@code rows}, counting how often they are enumerated. */
    private static Enumerable<Object[]> counted(List<Object[]> rows, AtomicInteger enumerations) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                enumerations.incrementAndGet();
                return Linq4j.enumerator(rows);
            }
        };
    }

    private static void assertInternalError(Runnable r) {
        VeilException e = assertThrows(VeilException.class, r::run);
        assertEquals(ErrorCode.INTERNAL_ERROR, e.errorCode());
    }

    @Test
    void rowsAreDrawnOnceAndReplayed() {
        DpReleases releases = new DpReleases(Set.of(0));
        AtomicInteger draws = new AtomicInteger();
        List<Object[]> first = releases.rows(0, () -> {
            draws.incrementAndGet();
            return List.<Object[]>of(new Object[] {"a", 7L});
        });
        first.get(0)[1] = 99L; // a consumer changing its copy changes nothing for the next one
        List<Object[]> second = releases.rows(0, () -> {
            draws.incrementAndGet();
            return List.<Object[]>of(new Object[] {"a", 8L});
        });
        assertEquals(1, draws.get());
        assertArrayEquals(new Object[] {"a", 7L}, second.get(0));
    }

    @Test
    void aSecondDrawOfOneAggregateFailsClosed() {
        DpReleases releases = new DpReleases(Set.of(0));
        releases.rows(0, () -> List.<Object[]>of(new Object[] {1L}));
        AtomicInteger draws = new AtomicInteger();
        assertInternalError(() -> releases.draw(0, () -> {
            draws.incrementAndGet();
            return List.of();
        }));
        assertEquals(0, draws.get());
    }

    @Test
    void aFailedDrawIsNotRetried() {
        DpReleases releases = new DpReleases(Set.of(0));
        assertThrows(
                IllegalStateException.class,
                () -> releases.rows(0, () -> {
                    throw new IllegalStateException("cancelled");
                }));
        assertInternalError(() -> releases.rows(0, () -> List.<Object[]>of(new Object[] {1L})));
    }

    @Test
    void anAggregateThatWasNotChargedCannotDraw() {
        AtomicInteger draws = new AtomicInteger();
        assertInternalError(() -> new DpReleases(Set.of(0)).rows(1, () -> {
            draws.incrementAndGet();
            return List.of();
        }));
        assertInternalError(() -> DpReleases.none().rows(0, List::of));
        assertEquals(0, draws.get());
    }

    /**
     * The releases of an execution are those its context was made with (kept for the context by
     * {@code runtime}, which does not know them): none when it was made without, so nothing draws;
     * the same object every time; never two sets.
     */
    @Test
    void anExecutionKeepsTheReleasesItsContextWasMadeWith() {
        ExecutionContext without = new ExecutionContext(ROOT, TYPES, "eve", Map.of(), new AtomicBoolean());
        assertInternalError(() -> DpReleases.of(without).draw(0, List::of));
        ExecutionContext charged = context(Set.of(0));
        assertSame(DpReleases.of(charged), DpReleases.of(charged));
        assertEquals(List.of(), DpReleases.of(charged).draw(0, List::of));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ExecutionContext(
                        ROOT,
                        TYPES,
                        "eve",
                        Map.of(),
                        new AtomicBoolean(),
                        new DpReleases(Set.of(0)),
                        new DpReleases(Set.of(1))));
    }

    @Test
    void theOperatorEnumeratedTwiceInOneExecutionReleasesOnce() {
        ExecutionContext context = context(Set.of(0));
        AtomicInteger enumerations = new AtomicInteger();
        Enumerable<Object[]> input = counted(data(), enumerations);
        DpSpec spec = spec(0.5);
        List<Object[]> first = DpAggregator.aggregate(context, input, spec).toList();
        List<Object[]> again = DpAggregator.aggregate(context, input, spec).toList();
        assertEquals(1, enumerations.get(), "the input is read, and the noise drawn, once");
        assertEquals(first.size(), again.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), again.get(i));
        }
        // Forcing a second draw of the same aggregate in the same execution fails closed.
        assertInternalError(() -> DpReleases.of(context).draw(0, () -> DpAggregator.run(input, spec)));
        assertEquals(1, enumerations.get());
    }

    @Test
    void anotherExecutionDrawsAfresh() {
        AtomicInteger enumerations = new AtomicInteger();
        Enumerable<Object[]> input = counted(data(), enumerations);
        DpAggregator.aggregate(context(Set.of(0)), input, spec(0.5)).toList();
        DpAggregator.aggregate(context(Set.of(0)), input, spec(0.5)).toList();
        assertEquals(2, enumerations.get());
    }

    @Test
    void releasedGroupsAreSortedByKeyNotByTheOrderOfTheData() {
        // Group b's units come first in the data; a is released first.
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(data()), spec(1e20));
        assertEquals(List.of("a", "b"), out.stream().map(r -> r[0]).toList());
        List<Object[]> reversed = new ArrayList<>(data());
        java.util.Collections.reverse(reversed);
        assertEquals(
                List.of("a", "b"),
                DpAggregator.run(Linq4j.asEnumerable(reversed), spec(1e20)).stream()
                        .map(r -> r[0])
                        .toList());
    }

    @Test
    void nullKeysAreReleasedFirst() {
        List<Object[]> rows = new ArrayList<>();
        for (long u = 1; u <= 30; u++) {
            rows.add(new Object[] {u <= 10 ? "b" : u <= 20 ? null : "a", u});
        }
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                1,
                1,
                false,
                1,
                1e20,
                0,
                "t");
        assertEquals(
                Arrays.asList(null, "a", "b"),
                DpAggregator.run(Linq4j.asEnumerable(rows), spec).stream()
                        .map(r -> r[0])
                        .toList());
    }

    /** A physical plan: a DP count over literal rows (group VARCHAR, unit BIGINT). */
    private static EnumerableDpAggregate plan(DpSpec spec) {
        RexBuilder rex = new RexBuilder(TYPES);
        RelOptCluster cluster = RelOptCluster.create(new VolcanoPlanner(), rex);
        RelDataType rowType = TYPES.builder()
                .add("g", SqlTypeName.VARCHAR)
                .add("u", SqlTypeName.BIGINT)
                .build();
        List<List<RexLiteral>> tuples = new ArrayList<>();
        for (Object[] row : data()) {
            tuples.add(List.of(
                    rex.makeLiteral((String) row[0]),
                    rex.makeExactLiteral(BigDecimal.valueOf((Long) row[1]), TYPES.createSqlType(SqlTypeName.BIGINT))));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        EnumerableValues values = EnumerableValues.create(cluster, rowType, (com.google.common.collect.ImmutableList)
                com.google.common.collect.ImmutableList.copyOf(tuples.stream()
                        .map(com.google.common.collect.ImmutableList::copyOf)
                        .toList()));
        return EnumerableDpAggregate.createEnumerable(values, spec);
    }

    private static List<Object[]> run(EnumerableDpAggregate plan, Set<Integer> charged) {
        List<Object[]> rows = new ArrayList<>();
        try (Enumerator<Object[]> e = QueryExecution.execute(plan, ROOT, TYPES, "eve", new AtomicBoolean(), charged)) {
            while (e.moveNext()) {
                rows.add(e.current());
            }
        }
        return rows;
    }

    @Test
    void aPlanRunsOnlyWithExactlyItsAggregatesCharged() {
        EnumerableDpAggregate plan = plan(spec(1e20));
        assertEquals(
                List.of("a", "b"), run(plan, Set.of(0)).stream().map(r -> r[0]).toList());
        assertInternalError(() -> run(plan, Set.of()));
        assertInternalError(() -> run(plan, Set.of(0, 1)));
        assertInternalError(() -> run(
                plan(new DpSpec(
                        List.of(0),
                        1,
                        List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                        1,
                        1,
                        false,
                        1,
                        1e20,
                        0,
                        "t")),
                Set.of()));
        assertTrue(DpReleases.boundaries(plan).containsKey(0));
    }
}
