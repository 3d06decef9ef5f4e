package dev.veil.policy;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The one home of "strictest wins": combines two policies of the same kind that both apply (to one
 * user through several roles, or to one boundary through several tables) into one that reveals no
 * more than either; the resolver and the rewrite both use it, so both fail closed the same way.
 * Where neither is coarser than the other, the result is coarser than both.
 */
public final class Strictest {
    private Strictest() {}

    /**
     * The stricter of two masks. Same kind: the fewer characters or digits kept, the wider bucket
     * (when one width is a multiple of the other). YEAR is coarser than MONTH, REDACT coarser than
     * every mask but NULLIFY, NULLIFY coarsest. Any other pair becomes REDACT, which reveals less
     * than either.
     */
    public static Mask mask(Mask a, Mask b) {
        if (a.equals(b)) {
            return a;
        }
        MaskKind x = a.kind();
        MaskKind y = b.kind();
        if (x == MaskKind.NULLIFY || y == MaskKind.NULLIFY) {
            return Mask.of(MaskKind.NULLIFY);
        }
        if (x == MaskKind.REDACT || y == MaskKind.REDACT) {
            return Mask.of(MaskKind.REDACT);
        }
        if (x == y && (x == MaskKind.TRUNCATE || x == MaskKind.SHOW_LAST)) {
            return a.argument().get().compareTo(b.argument().get()) <= 0 ? a : b;
        }
        if (x == MaskKind.BUCKET && y == MaskKind.BUCKET) {
            BigDecimal wa = a.argument().get();
            BigDecimal wb = b.argument().get();
            Mask wider = wa.compareTo(wb) >= 0 ? a : b;
            BigDecimal narrow = wa.compareTo(wb) >= 0 ? wb : wa;
            if (narrow.signum() > 0 && wider.argument().get().remainder(narrow).signum() == 0) {
                return wider;
            }
            return Mask.of(MaskKind.REDACT);
        }
        if (Set.of(x, y).equals(Set.of(MaskKind.YEAR, MaskKind.MONTH))) {
            return Mask.of(MaskKind.YEAR);
        }
        return Mask.of(MaskKind.REDACT);
    }

    /**
     * The intersection of two bounds: values are clamped to the narrower range. Disjoint bounds
     * leave one value, the upper end of the lower range: every clamped value becomes it.
     */
    public static Bounds bounds(Bounds a, Bounds b) {
        BigDecimal lower = a.lower().max(b.lower());
        BigDecimal upper = a.upper().min(b.upper());
        if (lower.compareTo(upper) > 0) {
            return new Bounds(upper, upper);
        }
        return new Bounds(lower, upper);
    }

    /** The stricter of two column classes: the later in {@link ColumnClass}'s order. */
    public static ColumnClass columnClass(ColumnClass a, ColumnClass b) {
        return a.strictest(b);
    }

    /**
     * The stricter of two minimum group sizes of one table that apply to one user through several
     * roles: the one with the larger k, mode and all; of two with the same k, SUPPRESS over REMAINDER.
     */
    public static MinGroupSize minGroupSize(MinGroupSize a, MinGroupSize b) {
        if (a.k() != b.k()) {
            return a.k() > b.k() ? a : b;
        }
        return new MinGroupSize(a.k(), a.remainder() && b.remainder());
    }

    /**
     * The minimum group size of a boundary that aggregates several protected tables: the largest k
     * of any, and SUPPRESS if any table suppresses (REMAINDER only when all fold small groups).
     * Empty when none has one. Stricter than {@link #minGroupSize(MinGroupSize, MinGroupSize)},
     * whose roles' policies are one admin's choices for one table.
     */
    public static Optional<MinGroupSize> minGroupSize(Collection<TableAccess> sources) {
        return sources.stream()
                .map(TableAccess::minGroupSize)
                .flatMap(Optional::stream)
                .reduce((a, b) -> new MinGroupSize(Math.max(a.k(), b.k()), a.remainder() && b.remainder()));
    }

    /**
     * The stricter of two differential-privacy policies: the smaller of each parameter; contribution
     * bounds chosen from the data only when both ask for it (either way the release is ε-DP).
     */
    public static DifferentialPrivacy differentialPrivacy(DifferentialPrivacy a, DifferentialPrivacy b) {
        return new DifferentialPrivacy(
                Math.min(a.epsilon(), b.epsilon()),
                Math.min(a.delta(), b.delta()),
                Math.min(a.maxGroupsPerUnit(), b.maxGroupsPerUnit()),
                Math.min(a.maxRowsPerUnitPerGroup(), b.maxRowsPerUnitPerGroup()),
                a.autoBounds() && b.autoBounds());
    }

    /** The strictest differential-privacy policy of {@code sources}; empty when none has one. */
    public static Optional<DifferentialPrivacy> differentialPrivacy(Collection<TableAccess> sources) {
        return sources.stream()
                .map(TableAccess::differentialPrivacy)
                .flatMap(Optional::stream)
                .reduce(Strictest::differentialPrivacy);
    }
}
