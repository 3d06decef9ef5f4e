package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the rewrite knows about the value of one field of a plan node: the column lineage it
 * checks each use against.
 *
 * @param restrictions the JOIN ONLY and AGGREGATE ONLY columns the value derives from
 * @param identity the stored column whose raw value this field is, if it is exactly one
 * @param unitDerived whether the value derives from a column that identifies a privacy unit
 *     (the unit column, or the first foreign key of a table's path to it)
 * @param constant whether the value depends on no input row at all (a literal)
 * @param range the range every value lies in, as far as the rewrite can tell
 * @param interval for a noisy aggregate's output, the field holding the low end of its 95%
 *     confidence interval (the high end follows it)
 */
record FieldInfo(Set<ColumnRestriction> restrictions, Optional<ColumnId> identity, boolean unitDerived,
        boolean constant, ValueRange range, OptionalInt interval) {
    static final FieldInfo PUBLIC = new FieldInfo(Set.of(), Optional.empty(), false, false);
    static final FieldInfo CONSTANT = new FieldInfo(Set.of(), Optional.empty(), false, true);

    FieldInfo {
        restrictions = Set.copyOf(requireNonNull(restrictions, "restrictions is null"));
        requireNonNull(identity, "identity is null");
        requireNonNull(range, "range is null");
        requireNonNull(interval, "interval is null");
    }

    FieldInfo(Set<ColumnRestriction> restrictions, Optional<ColumnId> identity, boolean unitDerived,
            boolean constant) {
        this(restrictions, identity, unitDerived, constant, ValueRange.UNKNOWN, OptionalInt.empty());
    }

    FieldInfo withRange(ValueRange newRange) {
        return new FieldInfo(restrictions, identity, unitDerived, constant, newRange, interval);
    }

    FieldInfo withInterval(OptionalInt newInterval) {
        return new FieldInfo(restrictions, identity, unitDerived, constant, range, newInterval);
    }

    /** A value computed from {@code inputs}: their restrictions and unit lineage, no identity. */
    static FieldInfo derived(Collection<FieldInfo> inputs) {
        if (inputs.isEmpty()) {
            return CONSTANT;
        }
        Set<ColumnRestriction> restrictions = new HashSet<>();
        boolean unit = false;
        boolean constant = true;
        for (FieldInfo input : inputs) {
            restrictions.addAll(input.restrictions());
            unit |= input.unitDerived();
            constant &= input.constant();
        }
        return new FieldInfo(restrictions, Optional.empty(), unit, constant);
    }

    /** The field after an aggregate boundary released it: no restriction applies any more. */
    FieldInfo released() {
        return new FieldInfo(Set.of(), identity, false, constant, range, OptionalInt.empty());
    }

    boolean isRestricted() {
        return !restrictions.isEmpty();
    }
}
