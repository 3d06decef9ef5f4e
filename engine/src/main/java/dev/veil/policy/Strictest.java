package dev.veil.policy;

import java.math.BigDecimal;
import java.util.Set;

/**
 * Combines two policies of the same kind that both apply to one user into one that reveals no
 * more than either (the resolver fails closed). Where neither is coarser than the other, the
 * result is coarser than both.
 */
final class Strictest {
    private Strictest() {
    }

    /**
     * The stricter of two masks. Same kind: the fewer characters or digits kept, the wider bucket
     * (when one width is a multiple of the other). YEAR is coarser than MONTH, REDACT coarser than
     * every mask but NULLIFY, NULLIFY coarsest. Any other pair becomes REDACT, which reveals less
     * than either.
     */
    static Mask mask(Mask a, Mask b) {
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
    static Bounds bounds(Bounds a, Bounds b) {
        BigDecimal lower = a.lower().max(b.lower());
        BigDecimal upper = a.upper().min(b.upper());
        if (lower.compareTo(upper) > 0) {
            return new Bounds(upper, upper);
        }
        return new Bounds(lower, upper);
    }
}
