package dev.veil.sqltests.fuzz;

/**
 * The shape families of the neighbouring-database property test. Each but the baseline and the
 * key-set probe is one way a hostile analyst broke Veil's promises (issue 13); {@link #finding()} is
 * its number there. The key-set probe (finding 0) attacks a later feature: a DP aggregate that
 * reads only the groups a join with public key sets keeps (issue 16).
 */
public enum NeighbourFamily {
    /** Ordinary valid queries over every table: the outcome class alone, no finding. */
    BASELINE("baseline", 0),
    /** A value derived from the privacy unit meets something else than the unit: must be POLICY_VIOLATION. */
    UNIT_DISGUISE("unit-disguise", 1),
    /** A built-in function given an out-of-domain argument by one row: the outcome must not change. */
    FAILING_FUNCTION("failing-function", 2),
    /** Work that grows with one row's value: capped at 64 KiB below the boundary (run time: --timing). */
    COSTLY_FUNCTION("costly-function", 3),
    /** A DP aggregate under a row-multiplying operator: released once per execution. */
    RELEASE_TWICE("release-twice", 4),
    /** Released groups leave in an order that does not follow the order of insertion. */
    ORDER_PROBE("order-probe", 5),
    /** A JOIN ONLY key outer-joined with an analyst's table whose NULLs are then tested: POLICY_VIOLATION. */
    JOIN_ONLY_PROBE("join-only-probe", 6),
    /** NaN and Infinity must not pass bounds clamps. */
    CLAMP_PROBE("clamp-probe", 7),
    /**
     * A DP aggregate joined with (or filtered by) key sets: the analyst's own tables holding the
     * keys only the neighbour has, sets released from protected tables, public sets narrowed by
     * those. The join's key set may narrow the rows the aggregate reads, never spare its groups
     * from partition selection: a key only the neighbour has is released (at most) with the
     * probability DP allows.
     */
    KEY_SET_PROBE("key-set-probe", 0);

    private final String label;
    private final int finding;

    NeighbourFamily(String label, int finding) {
        this.label = label;
        this.finding = finding;
    }

    /** The family's name, as listed in {@code NeighbourPropertyTest.KNOWN_OPEN}. */
    public String label() {
        return label;
    }

    /** The finding of issue 13 this family probes (0: none). */
    public int finding() {
        return finding;
    }
}
