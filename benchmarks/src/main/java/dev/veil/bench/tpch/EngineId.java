package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The engines, or ways of running Veil, that the TPC-H benchmark compares: one column of its report each.
 *
 * <p>The three ways of running Veil share one warehouse per benchmark run: the first of them
 * that runs loads it, the others reopen it ({@link #sharesWarehouseWithVeil}).
 */
public enum EngineId {
    /** DuckDB, in-process, on a database file; the engine a user would pick instead. */
    DUCKDB("duckdb", "DuckDB"),
    /** Calcite's stock enumerable engine over in-memory tables; the baseline Veil builds on. */
    CALCITE("calcite", "Calcite"),
    /** Veil in-process through its embedded JDBC driver, as the warehouse's administrator. */
    VEIL("veil", "Veil"),
    /**
     * Veil in-process as {@link #VEIL}, on a warehouse of its own that is encrypted at rest
     * (AES-256-GCM segments and catalog, a fresh random master key): the cost of encryption.
     */
    VEIL_ENCRYPTED("veil-encrypted", "Veil encrypted"),
    /** Veil over its JDBC server (loopback HTTP, the thin driver), as the administrator. */
    VEIL_JDBC("veil-jdbc", "Veil JDBC"),
    /** Veil in-process as an analyst, with customer as the privacy unit and differential privacy on. */
    VEIL_DP("veil-dp", "Veil DP");

    private final String id;
    private final String label;

    EngineId(String id, String label) {
        this.id = id;
        this.label = label;
    }

    /** The name on the command line and in the JSON report. */
    public String id() {
        return id;
    }

    /** The column heading in the markdown report. */
    public String label() {
        return label;
    }

    /** Whether this is one of the ways of running Veil, not another engine. */
    public boolean isVeil() {
        return this != DUCKDB && this != CALCITE;
    }

    /** Whether this engine runs on the one Veil warehouse of a benchmark run. */
    public boolean sharesWarehouseWithVeil() {
        return this == VEIL || this == VEIL_JDBC || this == VEIL_DP;
    }

    /**
     * The engines in the order the benchmark runs them: Veil first, so that its cold runs are cold,
     * and Veil with DP last of Veil's, since it sets policies on the shared warehouse.
     */
    public static List<EngineId> runOrder() {
        return List.of(VEIL, VEIL_ENCRYPTED, VEIL_JDBC, VEIL_DP, DUCKDB, CALCITE);
    }

    /** The engine with command-line name {@code id}. */
    public static EngineId fromId(String id) {
        requireNonNull(id, "id is null");
        for (EngineId engine : values()) {
            if (engine.id.equals(id.strip())) {
                return engine;
            }
        }
        throw new IllegalArgumentException("Unknown engine '" + id + "'; expected one of "
                + Arrays.stream(values()).map(EngineId::id).collect(Collectors.joining(", ")));
    }
}
