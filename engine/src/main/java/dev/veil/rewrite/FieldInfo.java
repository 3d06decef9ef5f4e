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
 * @param units the columns identifying a privacy unit (the unit column, or the first foreign key
 *     of a table's path to it) that the value derives from; empty when it derives from none
 * @param constant whether the value depends on no input row at all (a literal)
 * @param range the range every value lies in, as far as the rewrite can tell
 * @param interval for a noisy aggregate's output, the field holding the low end of its 95%
 *     confidence interval (the high end follows it)
 */
record FieldInfo(
        Set<ColumnRestriction> restrictions,
        Optional<ColumnId> identity,
        Set<UnitOrigin> units,
        boolean constant,
        ValueRange range,
        OptionalInt interval) {
    static final FieldInfo PUBLIC = new FieldInfo(Set.of(), Optional.empty(), Set.of(), false);
    static final FieldInfo CONSTANT = new FieldInfo(Set.of(), Optional.empty(), Set.of(), true);

    FieldInfo {
        restrictions = Set.copyOf(requireNonNull(restrictions, "restrictions is null"));
        requireNonNull(identity, "identity is null");
        units = Set.copyOf(requireNonNull(units, "units is null"));
        requireNonNull(range, "range is null");
        requireNonNull(interval, "interval is null");
    }

    FieldInfo(
            Set<ColumnRestriction> restrictions, Optional<ColumnId> identity, Set<UnitOrigin> units, boolean constant) {
        this(restrictions, identity, units, constant, ValueRange.UNKNOWN, OptionalInt.empty());
    }

    /** Whether the value derives from a column that identifies a privacy unit. */
    boolean unitDerived() {
        return !units.isEmpty();
    }

    FieldInfo withRange(ValueRange newRange) {
        return new FieldInfo(restrictions, identity, units, constant, newRange, interval);
    }

    FieldInfo withInterval(OptionalInt newInterval) {
        return new FieldInfo(restrictions, identity, units, constant, range, newInterval);
    }

    /** A value computed from {@code inputs}: their restrictions and unit lineage, no identity. */
    static FieldInfo derived(Collection<FieldInfo> inputs) {
        if (inputs.isEmpty()) {
            return CONSTANT;
        }
        Set<ColumnRestriction> restrictions = new HashSet<>();
        Set<UnitOrigin> units = new HashSet<>();
        boolean constant = true;
        for (FieldInfo input : inputs) {
            restrictions.addAll(input.restrictions());
            units.addAll(input.units());
            constant &= input.constant();
        }
        return new FieldInfo(restrictions, Optional.empty(), units, constant);
    }

    /** The field after an aggregate boundary released it: no restriction applies any more. */
    FieldInfo released() {
        return new FieldInfo(Set.of(), identity, Set.of(), constant, range, OptionalInt.empty());
    }

    boolean isRestricted() {
        return !restrictions.isEmpty();
    }
}
