package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.StatementKind;
import dev.veil.session.EmbeddedDriver;
import dev.veil.sql.parser.VeilParser;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deny by default: every statement kind has its entry, and a kind without one is refused. */
class StatementRegistryTest {
    /** The nodes of sql.ast that are parts of statements, not statements. */
    private static final Set<String> PARTS = Set.of("SqlColumnDefinition", "SqlCopyOption");

    @TempDir
    Path dir;

    @Test
    void everyStatementNodeOfVeilHasAnEntry() throws IOException, URISyntaxException, ClassNotFoundException {
        Path ast = Path.of(
                getClass().getClassLoader().getResource("dev/veil/sql/ast").toURI());
        Set<String> missing = new TreeSet<>();
        int statements = 0;
        try (Stream<Path> files = Files.list(ast)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                String simple = name.substring(0, name.length() - ".class".length());
                Class<?> type = Class.forName("dev.veil.sql.ast." + simple);
                if (!SqlCall.class.isAssignableFrom(type)
                        || Modifier.isAbstract(type.getModifiers())
                        || !Modifier.isPublic(type.getModifiers())
                        || PARTS.contains(simple)) {
                    continue;
                }
                statements++;
                if (!StatementRegistry.kinds().contains(type)) {
                    missing.add(simple);
                }
            }
        }
        assertTrue(statements >= 22, "found only " + statements + " statement nodes");
        assertEquals(Set.of(), missing, "statement nodes without an entry in StatementRegistry");
    }

    @Test
    void privilegesOfTheTable() {
        assertEquals(Optional.of(Privilege.ADMIN), privilege("COPY public.t FROM 'x.csv'"));
        assertEquals(Optional.of(Privilege.ADMIN), privilege("INSERT INTO public.t VALUES (1)"));
        // A user drops the tables they own; the statement checks the owner.
        assertEquals(Optional.of(Privilege.OWNER_OR_ADMIN), privilege("DROP TABLE public.t"));
        assertEquals(Optional.of(Privilege.OWNER_OR_ADMIN), privilege("GRANT SELECT ON public.t TO ROLE r"));
        assertEquals(Optional.of(Privilege.OWNER_OR_ADMIN), privilege("REVOKE SELECT ON TABLE public.t FROM USER u"));
        for (String drop : List.of(
                "DROP SCHEMA s",
                "DROP ROLE r",
                "DROP USER u",
                "ALTER TABLE public.t DROP ROW FILTER",
                "ALTER TABLE public.t DROP DIFFERENTIAL PRIVACY",
                "ALTER TABLE public.t DROP PRIVACY UNIT",
                "ALTER TABLE public.t DROP MIN GROUP SIZE FOR ROLE r",
                "DROP PRIVACY BUDGET IF EXISTS b CASCADE")) {
            assertEquals(Optional.of(Privilege.ADMIN), privilege(drop), drop);
        }
        for (String catalog : List.of(
                "SHOW SCHEMAS",
                "SHOW TABLES",
                "SHOW TABLES IN s",
                "SHOW COLUMNS FROM s.t",
                "DESCRIBE s.t",
                "SHOW POLICIES")) {
            assertEquals(Optional.of(Privilege.ANY_USER), privilege(catalog), catalog);
        }
        assertEquals(Optional.of(Privilege.ADMIN), privilege("ALTER TABLE public.t SET ROW FILTER (a = 1)"));
        assertEquals(Optional.of(Privilege.ADMIN), privilege("ALTER USER ana PASSWORD 'pw-long-long-secret'"));
        assertEquals(
                Optional.of(Privilege.ANY_USER), privilege("ALTER USER CURRENT_USER PASSWORD 'pw-long-long-secret'"));
        assertEquals(Optional.of(Privilege.ANY_USER), privilege("CREATE TABLE public.u AS SELECT 1 AS a"));
        assertEquals(Optional.of(Privilege.ANY_USER), privilege("SELECT 1"));
        assertEquals(Optional.of(Privilege.ANY_USER), privilege("VALUES (1) UNION ALL VALUES (2)"));
        assertEquals(Optional.of(Privilege.ANY_USER), privilege("EXPLAIN PLAN FOR SELECT 1"));
        assertEquals(Optional.of(Privilege.OWNER_OR_ADMIN), privilege("CANCEL STATEMENT 7"));
        assertEquals(Optional.empty(), privilege("DELETE FROM public.t"));
        assertEquals(Optional.empty(), privilege("UPDATE public.t SET a = 2"));
    }

    @Test
    void auditKindsOfTheTable() {
        for (String policy : List.of(
                "ALTER TABLE public.t SET PRIVACY UNIT (a)",
                "ALTER TABLE public.t SET ROW FILTER (a = 1)",
                "ALTER TABLE public.t DROP ROW FILTER",
                "ALTER TABLE public.t DROP DIFFERENTIAL PRIVACY",
                "ALTER TABLE public.t DROP PRIVACY UNIT",
                "ALTER TABLE public.t DROP MIN GROUP SIZE",
                "DROP PRIVACY BUDGET b",
                "CREATE PRIVACY BUDGET b LIMIT (EPSILON 1, DELTA 0.001) WINDOW NEVER",
                "ALTER USER ana SET PRIVACY BUDGET b",
                "GRANT SELECT ON public.t TO USER u")) {
            assertEquals(StatementKind.POLICY_CHANGE, auditKind(policy), policy);
        }
        for (String principal : List.of(
                "CREATE ROLE r",
                "CREATE USER u PASSWORD 'pw-long-long-secret'",
                "ALTER USER CURRENT_USER PASSWORD 'pw-long-long-secret'",
                "DROP USER u",
                "DROP ROLE r")) {
            assertEquals(StatementKind.PRINCIPAL_CHANGE, auditKind(principal), principal);
        }
        for (String query : List.of(
                "SELECT 1",
                "EXPLAIN PLAN FOR SELECT 1",
                "SHOW POLICIES",
                "SHOW SCHEMAS",
                "SHOW TABLES IN s",
                "SHOW COLUMNS FROM s.t",
                "DESCRIBE t")) {
            assertEquals(StatementKind.QUERY, auditKind(query), query);
        }
        for (String other : List.of(
                "DROP TABLE public.t", "COPY public.t FROM 'x.csv'", "SET EPSILON = 0.5", "DELETE FROM public.t")) {
            assertEquals(StatementKind.STATEMENT, auditKind(other), other);
        }
    }

    private static StatementKind auditKind(String sql) {
        return StatementRegistry.auditKind(VeilParser.parse(sql));
    }

    @Test
    void aStatementWithoutAnEntryIsRefusedForEveryone() throws SQLException {
        Path wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("public", true);
        }
        try (Connection c = connect(wh, null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
            s.execute("CREATE TABLE public.t (a INTEGER)");
            s.execute("INSERT INTO public.t VALUES (1)");
        }
        for (String user : List.of("admin", "ana")) {
            try (Connection c = connect(wh, user);
                    Statement s = c.createStatement()) {
                for (String sql : List.of("DELETE FROM public.t", "UPDATE public.t SET a = 2")) {
                    SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                    assertEquals(8, e.getErrorCode(), user + ": " + sql + ": " + e.getMessage());
                    assertEquals("0A000", e.getSQLState());
                }
            }
        }
        try (Connection c = connect(wh, "ana");
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.execute("DROP TABLE public.t"));
            assertEquals(16, e.getErrorCode());
            assertFalse(e.getMessage().isEmpty());
        }
    }

    private static Optional<Privilege> privilege(String sql) {
        SqlNode node = VeilParser.parse(sql);
        return StatementRegistry.privilege(node);
    }

    private static Connection connect(Path warehouse, String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse, info);
    }
}
