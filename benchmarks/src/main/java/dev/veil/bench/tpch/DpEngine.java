package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Veil in-process as an analyst under differential privacy, on the warehouse that the plain Veil
 * engine loaded (or that this one loads, if it runs alone). On first use it sets the
 * {@link DpPolicies} as the administrator; queries then run as {@link DpPolicies#ANALYST}, with the
 * table policy's epsilon per query. The administrator's connection stays open, for the true values
 * that the accuracy table compares the noisy ones with.
 */
final class DpEngine implements BenchEngine {
    /** Records in the warehouse folder that the policies are set, and whether DP was available. */
    private static final String MARKER = "bench-dp-policies";

    private static final String AVAILABLE = "available";

    private final Path dir;
    private final Connection admin;
    private Connection analyst;
    private Optional<String> unavailable = Optional.empty();
    private int timedRuns;

    private DpEngine(Path dir, Connection admin) {
        this.dir = requireNonNull(dir, "dir is null");
        this.admin = requireNonNull(admin, "admin is null");
    }

    /** Opens the warehouse in {@code dir}, a new one unless {@code reuse}; {@link #load} sets the policies. */
    static DpEngine open(Path dir, boolean reuse) throws SQLException, IOException {
        if (reuse && !Files.exists(dir)) {
            throw new IOException("No warehouse to reopen at " + dir);
        }
        Files.createDirectories(dir.toAbsolutePath().getParent());
        Connection admin = DriverManager.getConnection(
                "jdbc:veil:embedded:" + dir.toAbsolutePath() + (reuse ? "" : ";create=true"));
        DpEngine engine = new DpEngine(dir, admin);
        if (reuse) {
            try {
                engine.connectAnalyst();
            } catch (SQLException | IOException | RuntimeException e) {
                admin.close();
                throw e;
            }
        }
        return engine;
    }

    @Override
    public EngineId id() {
        return EngineId.VEIL_DP;
    }

    @Override
    public String version() throws SQLException {
        DatabaseMetaData meta = admin.getMetaData();
        return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " (as analyst "
                + DpPolicies.ANALYST + ", DP, epsilon " + DpPolicies.EPSILON + " per query)";
    }

    @Override
    public boolean persistent() {
        return true;
    }

    /** Loads a fresh warehouse (when this engine runs without plain Veil), then sets the policies. */
    @Override
    public List<TableLoad> load(Map<String, Path> files) throws SQLException, IOException {
        CopyLoadedEngine loader = CopyLoadedEngine.onConnection(EngineId.VEIL_DP, admin);
        List<TableLoad> loads = loader.load(files);
        connectAnalyst();
        return loads;
    }

    /** Sets the policies unless an earlier worker did, and connects as the analyst if DP is available. */
    private void connectAnalyst() throws SQLException, IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            unavailable = DpPolicies.apply(admin);
            Files.writeString(marker, unavailable.orElse(AVAILABLE), StandardCharsets.UTF_8);
        } else {
            String recorded = Files.readString(marker, StandardCharsets.UTF_8);
            unavailable = recorded.equals(AVAILABLE) ? Optional.empty() : Optional.of(recorded);
        }
        if (unavailable.isEmpty()) {
            analyst = DriverManager.getConnection(
                    "jdbc:veil:embedded:" + dir.toAbsolutePath() + ";user=" + DpPolicies.ANALYST);
        }
    }

    /**
     * Makes the analyst's next query a new question: a question asked again on the same data is a
     * free replay of its stored answer, which would time the release store instead of the DP
     * aggregate. Each timed run asks at an epsilon a billionth apart from the last (never one the
     * accuracy table uses); such a run still reuses the cached plan, whose DP aggregates are given
     * the new epsilon's budget.
     */
    void askAnew() {
        double epsilon = AccuracyProbe.respelt(DpPolicies.EPSILON, 1_000_000 + timedRuns++);
        try (Statement statement = connection().createStatement()) {
            statement.execute("SET EPSILON = " + epsilon);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set the analyst's epsilon: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> unavailable() {
        return unavailable;
    }

    /** The analyst's connection; only when DP is available. */
    @Override
    public Connection connection() {
        if (analyst == null) {
            throw new IllegalStateException("No analyst connection: " + unavailable.orElse("policies not set"));
        }
        return analyst;
    }

    /** A new connection as the analyst (the caller closes it); only when DP is available. */
    Connection openAnalyst() throws SQLException {
        connection();
        return DriverManager.getConnection(
                "jdbc:veil:embedded:" + dir.toAbsolutePath() + ";user=" + DpPolicies.ANALYST);
    }

    /** The administrator's connection, which sees the raw data. */
    Connection admin() {
        return admin;
    }

    @Override
    public void close() throws SQLException {
        try {
            if (analyst != null) {
                analyst.close();
            }
        } finally {
            admin.close();
        }
    }
}
