package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A differencing attack, measured. The attacker knows the victim is the only person with zip
 * 99999 and asks {@code SUM(salary)} twice, once over everyone and once over everyone else; the
 * difference is the victim's salary. Two worlds differ only in the victim: in {@code world_a} the
 * victim (salary 100, the upper bound) is present, in {@code world_b} absent. The attacker guesses
 * "present" when the difference exceeds 50.
 *
 * <p>With a minimum group size alone the guess is always right. With differential privacy at
 * epsilon 0.5 per query the pair of queries is 1.0-DP, so no guess can be right with probability
 * above e^1 / (1 + e^1) = 0.731; the measured rate over 400 attacks per world must stay below that
 * (plus four standard errors), and far below 1.
 */
class DifferencingAttackTest {
    private static final int ATTACKS = 400;

    @TempDir
    static Path dir;

    private static Connection admin;
    private static Connection eve;

    @BeforeAll
    static void createWorlds() throws SQLException {
        Path warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER eve PASSWORD 'eve-pw-long-secret'");
            s.execute("CREATE SCHEMA hr");
            for (String world : new String[] {"world_a", "world_b"}) {
                s.execute("CREATE TABLE hr." + world + " (id BIGINT NOT NULL, zip VARCHAR, salary INTEGER)");
                StringBuilder rows = new StringBuilder();
                for (int i = 1; i <= 100; i++) {
                    rows.append(i == 1 ? "" : ", ")
                            .append("(")
                            .append(i)
                            .append(", '0")
                            .append(1000 + i % 7)
                            .append("', ")
                            .append(20 + i % 50)
                            .append(")");
                }
                if (world.equals("world_a")) {
                    rows.append(", (1000, '99999', 100)");
                }
                s.execute("INSERT INTO hr." + world + " VALUES " + rows);
                s.execute("ALTER TABLE hr." + world + " SET PRIVACY UNIT (id)");
                s.execute("ALTER TABLE hr." + world + " SET MIN GROUP SIZE 5");
                s.execute("ALTER TABLE hr." + world + " ALTER COLUMN salary SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
            }
            s.execute("CREATE PRIVACY BUDGET attacks LIMIT (EPSILON 1e9, DELTA 0.1) WINDOW NEVER");
            s.execute("ALTER USER eve SET PRIVACY BUDGET attacks");
        }
        eve = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=eve");
    }

    @AfterAll
    static void close() throws SQLException {
        eve.close();
        admin.close();
    }

    private static double difference(String world) throws SQLException {
        return difference(world, -1);
    }

    /**
     * The differencing attack's two questions; {@code attempt} >= 0 respells them with an
     * always-true condition, so that each attempt is a new question (charged, with fresh noise)
     * rather than a free replay of the stored answer, whose noise would be the same every time.
     */
    private static double difference(String world, int attempt) throws SQLException {
        String respelt = attempt < 0 ? "" : " AND salary >= -" + (attempt + 1);
        return sum("SELECT SUM(salary) FROM hr." + world + " WHERE TRUE" + respelt)
                - sum("SELECT SUM(salary) FROM hr." + world + " WHERE zip <> '99999'" + respelt);
    }

    private static double sum(String sql) throws SQLException {
        try (Statement s = eve.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getDouble(1);
        }
    }

    /** The rate at which "difference > 50" tells the worlds apart, over {@code attacks} attacks per world. */
    private static double successRate(int attacks) throws SQLException {
        int right = 0;
        for (int i = 0; i < attacks; i++) {
            right += difference("world_a", i) > 50 ? 1 : 0;
            right += difference("world_b", i) > 50 ? 0 : 1;
        }
        return right / (2.0 * attacks);
    }

    @Test
    void differencingIsExactWithoutDifferentialPrivacy() throws SQLException {
        assertEquals(100, difference("world_a"), 0);
        assertEquals(0, difference("world_b"), 0);
    }

    @Test
    void differentialPrivacyBoundsWhatTheDifferenceReveals() throws SQLException {
        try (Statement s = admin.createStatement()) {
            for (String world : new String[] {"world_a", "world_b"}) {
                s.execute("ALTER TABLE hr." + world + " SET DIFFERENTIAL PRIVACY (EPSILON 0.5, DELTA 1e-6, "
                        + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
            }
        }
        try {
            double rate = successRate(ATTACKS);
            double bound = Math.exp(1.0) / (1 + Math.exp(1.0));
            double standardError = Math.sqrt(0.25 / (2 * ATTACKS));
            System.out.printf(
                    "differencing attack at epsilon 1.0 in total: right %.3f of the time "
                            + "(DP bound %.3f, without DP 1.000)%n",
                    rate, bound);
            assertTrue(rate <= bound + 4 * standardError, "attack succeeded " + rate + " of the time");
        } finally {
            try (Statement s = admin.createStatement()) {
                s.execute("ALTER TABLE hr.world_a DROP DIFFERENTIAL PRIVACY");
                s.execute("ALTER TABLE hr.world_b DROP DIFFERENTIAL PRIVACY");
            }
        }
    }
}
