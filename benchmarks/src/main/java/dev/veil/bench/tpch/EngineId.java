package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The engines, or ways of running Veil, that the TPC-H benchmark compares: one column of its report each.
 *
 * <p>Those not {@linkplain #available() available} wait for a later part of Veil (the JDBC server,
 * differential privacy); the report shows them as "not available yet" rather than leaving them out,
 * so that the table's shape does not change when they arrive.
 */
public enum EngineId {
    /** DuckDB, in-process, on a database file; the engine a user would pick instead. */
    DUCKDB("duckdb", "DuckDB", null),
    /** Calcite's stock enumerable engine over in-memory tables; the baseline Veil builds on. */
    CALCITE("calcite", "Calcite", null),
    /** Veil in-process through its embedded JDBC driver, as the warehouse's administrator. */
    VEIL("veil", "Veil", null),
    /** Veil over its JDBC server; needs the server. */
    VEIL_JDBC("veil-jdbc", "Veil JDBC", "needs Veil's JDBC server"),
    /** Veil as an analyst with customer as the privacy unit and DP on; needs DP-SQL. */
    VEIL_DP("veil-dp", "Veil DP", "needs DP-SQL (privacy units, noise)");

    private final String id;
    private final String label;
    private final String missing;

    EngineId(String id, String label, String missing) {
        this.id = id;
        this.label = label;
        this.missing = missing;
    }

    /** The name on the command line and in the JSON report. */
    public String id() {
        return id;
    }

    /** The column heading in the markdown report. */
    public String label() {
        return label;
    }

    /** Whether this engine can be measured yet. */
    public boolean available() {
        return missing == null;
    }

    /** Why this engine cannot be measured yet, or empty if it can. */
    public String missing() {
        return missing == null ? "" : missing;
    }

    /** The engines that can be measured, in the order the benchmark runs them: Veil first, so that its cold runs are cold. */
    public static List<EngineId> runOrder() {
        return List.of(VEIL, DUCKDB, CALCITE);
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
