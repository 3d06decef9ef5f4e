package dev.veil.sqltests.fuzz;

/**
 * The shape families of the neighbouring-database property test. Each but the baseline is one
 * way a hostile analyst broke Veil's promises (issue 13); {@link #finding()} is its number there.
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
    CLAMP_PROBE("clamp-probe", 7);

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
