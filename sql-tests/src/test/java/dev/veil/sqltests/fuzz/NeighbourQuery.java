package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One statement of the neighbouring-database property test and what may be asserted about it,
 * beyond what holds for every statement (the same outcome class on both warehouses, no internal
 * error, no released text longer than the 64 KiB cap).
 *
 * @param family the shape family (one finding of issue 13 each, or the baseline)
 * @param shape the shape's name inside its family; the same shape with other constants, columns
 *     or tables has the same name
 * @param sql the analyst's statement
 * @param check what else is asserted
 * @param columns the column indexes (0-based) the check is about: for {@link Check#SAME_VALUE}
 *     the released DP values, for {@link Check#LENGTH_BOUND} the count then the over-cap count,
 *     for {@link Check#CLAMP_RANGE} the COUNT(*) column then the SUM or AVG column, for
 *     {@link Check#ORDER} the group key columns, for {@link Check#KEYS_ABSENT} and {@link
 *     Check#KEYS_PRESENT} the key column
 * @param keyColumns for {@link Check#SAME_VALUE}: the columns that identify one DP group (rows
 *     with equal keys must show equal values)
 * @param low for {@link Check#CLAMP_RANGE}: the least value one row can contribute after clamping
 * @param high for {@link Check#CLAMP_RANGE}: the largest value one row can contribute after clamping
 * @param sum for {@link Check#CLAMP_RANGE}: whether the column is a SUM (else an AVG)
 */
public record NeighbourQuery(
        NeighbourFamily family,
        String shape,
        String sql,
        Check check,
        List<Integer> columns,
        List<Integer> keyColumns,
        double low,
        double high,
        boolean sum) {

    /** What is asserted about a statement, beyond the checks every statement gets. */
    public enum Check {
        /** Nothing more: the outcome class is the same on both warehouses. */
        CLASS,
        /** Rejected with POLICY_VIOLATION on every warehouse. */
        REJECT,
        /** Rows with the same DP group show the same value (one release per DP node), and the ledger agrees with the audit. */
        SAME_VALUE,
        /** No value under the boundary exceeds the cap: the over-cap count column is 0 wherever released. */
        LENGTH_BOUND,
        /** A deterministic SUM or AVG of a bounded value lies within what the bounds allow, and is finite. */
        CLAMP_RANGE,
        /** Every released number is finite (a DP aggregate of a bounded value). */
        FINITE,
        /** The released groups leave in an order that does not follow insertion order. */
        ORDER,
        /**
         * The DP group keys in the first of {@code columns} are counted when only the neighbour has
         * them ({@link NeighbourWarehouse#neighbourOnlyKey}); partition selection lets one unit's
         * group out with a probability of at most about delta, so the run fails when more than a few
         * statements release one. Every released number is finite.
         */
        KEYS_ABSENT,
        /**
         * The negative control of {@link #KEYS_ABSENT}: the keys in the first of {@code columns} come
         * from the analyst's own key set, so the neighbour-only keys must be seen on both warehouses.
         */
        KEYS_PRESENT
    }

    public NeighbourQuery {
        requireNonNull(family, "family is null");
        requireNonNull(shape, "shape is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(check, "check is null");
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
    }

    static NeighbourQuery of(NeighbourFamily family, String shape, String sql, Check check) {
        return new NeighbourQuery(family, shape, sql, check, List.of(), List.of(), 0, 0, false);
    }

    /** Whether the statement's answer is deterministic (no DP table in it). */
    boolean deterministic() {
        return !sql.contains("nb.visits");
    }
}
