package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetSplitTest {
    @Test
    void epsilonIsSplitOverEveryPartAndDeltaOverThePartsThatNeedIt() {
        BudgetSplit split = BudgetSplit.even(
                new EpsilonDelta(1.2, 1e-6), List.of(NoiseKind.LAPLACE, NoiseKind.GAUSSIAN, NoiseKind.LAPLACE), true);
        assertEquals(
                List.of(new EpsilonDelta(0.3, 0), new EpsilonDelta(0.3, 5e-7), new EpsilonDelta(0.3, 0)),
                split.aggregations());
        assertEquals(Optional.of(new EpsilonDelta(0.3, 5e-7)), split.partitionSelection());
        EpsilonDelta spent = split.spent();
        assertTrue(spent.epsilon() <= 1.2 && spent.epsilon() > 1.2 - 1e-12);
        assertTrue(spent.delta() <= 1e-6 && spent.delta() > 1e-6 - 1e-18);
    }

    @Test
    void laplaceOnlyQueryWithPublicKeysSpendsNoDelta() {
        BudgetSplit split =
                BudgetSplit.even(new EpsilonDelta(1, 1e-5), List.of(NoiseKind.LAPLACE, NoiseKind.LAPLACE), false);
        assertEquals(0, split.spent().delta());
        assertEquals(Optional.empty(), split.partitionSelection());
        assertEquals(1, split.spent().epsilon());
    }

    @Test
    void sharesNeverSumToMoreThanTheTotal() {
        for (int parts = 1; parts <= 50; parts++) {
            List<NoiseKind> kinds = java.util.Collections.nCopies(parts, NoiseKind.GAUSSIAN);
            BudgetSplit split = BudgetSplit.even(new EpsilonDelta(0.1, 1e-7), kinds, parts % 2 == 0);
            assertTrue(split.spent().epsilon() <= 0.1, "parts " + parts);
            assertTrue(split.spent().delta() <= 1e-7, "parts " + parts);
        }
    }

    @Test
    void partsNeedingDeltaFailWithoutIt() {
        DpException e = assertThrows(
                DpException.class, () -> BudgetSplit.even(EpsilonDelta.pure(1), List.of(NoiseKind.LAPLACE), true));
        assertEquals("delta must be > 0 when partition selection is needed, was 0", e.getMessage());
        e = assertThrows(
                DpException.class,
                () -> BudgetSplit.even(EpsilonDelta.pure(1), List.of(NoiseKind.GAUSSIAN, NoiseKind.GAUSSIAN), false));
        assertEquals("delta must be > 0 when 2 aggregation(s) use GAUSSIAN noise, was 0", e.getMessage());
        assertThrows(DpException.class, () -> BudgetSplit.even(EpsilonDelta.pure(1), List.of(), false));
    }

    @Test
    void splitIsImmutable() {
        BudgetSplit split = BudgetSplit.even(EpsilonDelta.pure(1), List.of(NoiseKind.LAPLACE), false);
        assertThrows(
                UnsupportedOperationException.class, () -> split.aggregations().add(EpsilonDelta.pure(1)));
    }

    @Test
    void basicCompositionAddsEpsilonsAndDeltas() {
        assertEquals(
                new EpsilonDelta(0.75, 3e-6),
                BudgetSplit.compose(List.of(new EpsilonDelta(0.5, 1e-6), new EpsilonDelta(0.25, 2e-6))));
    }
}
