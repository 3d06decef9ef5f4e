package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.BudgetWindow;
import dev.veil.sql.ast.ColumnMask;
import dev.veil.sql.ast.ColumnPolicyClass;
import dev.veil.sql.ast.MaskFunction;
import dev.veil.sql.ast.MinGroupSizeMode;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import dev.veil.sql.ast.SqlDropTablePolicy;
import dev.veil.sql.ast.SqlSetColumnDomain;
import dev.veil.sql.ast.SqlSetColumnPolicy;
import dev.veil.sql.ast.SqlSetDifferentialPrivacy;
import dev.veil.sql.ast.SqlSetMinGroupSize;
import dev.veil.sql.ast.SqlSetPrivacyUnit;
import dev.veil.sql.ast.SqlSetRowFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.junit.jupiter.api.Test;

/** The policy statements of ALTER TABLE and CREATE PRIVACY BUDGET. */
class PolicyStatementParsingTest {
    @Test
    void privacyUnitIsAColumn() {
        SqlSetPrivacyUnit unit =
                parseAs(SqlSetPrivacyUnit.class, "ALTER TABLE tpch.customer SET PRIVACY UNIT (c_custkey)");
        assertEquals(List.of("tpch", "customer"), unit.table().names);
        assertEquals("c_custkey", unit.column().getSimple());
        assertFalse(unit.isVia());
        assertTrue(unit.referencedTable().isEmpty());
        assertEquals(SqlKind.ALTER_TABLE, unit.getKind());
        assertEquals("ALTER TABLE \"tpch\".\"customer\" SET PRIVACY UNIT (\"c_custkey\")", unparse(unit));
        assertEquals(
                "c_custkey",
                parseAs(SqlSetPrivacyUnit.class, "alter table t set privacy unit c_custkey")
                        .column()
                        .getSimple());
    }

    @Test
    void privacyUnitViaForeignKey() {
        SqlSetPrivacyUnit unit = parseAs(
                SqlSetPrivacyUnit.class,
                "ALTER TABLE tpch.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES tpch.customer (c_custkey)");
        assertTrue(unit.isVia());
        assertEquals("o_custkey", unit.column().getSimple());
        assertEquals(List.of("tpch", "customer"), unit.referencedTable().orElseThrow().names);
        assertEquals("c_custkey", unit.referencedColumn().orElseThrow().getSimple());
    }

    @Test
    void privacyUnitColumnMayBeNamedVia() {
        SqlSetPrivacyUnit unit = parseAs(SqlSetPrivacyUnit.class, "ALTER TABLE t SET PRIVACY UNIT via");
        assertEquals("via", unit.column().getSimple());
        assertFalse(unit.isVia());
    }

    @Test
    void minGroupSizeWithModeAndRole() {
        SqlSetMinGroupSize size =
                parseAs(SqlSetMinGroupSize.class, "ALTER TABLE s.t SET MIN GROUP SIZE 10 REMAINDER FOR ROLE analyst");
        assertEquals(10, size.minGroupSize());
        assertSame(MinGroupSizeMode.REMAINDER, size.mode());
        assertEquals("analyst", size.role().orElseThrow().getSimple());

        SqlSetMinGroupSize plain = parseAs(SqlSetMinGroupSize.class, "alter table s.t set min group size 5");
        assertSame(MinGroupSizeMode.SUPPRESS, plain.mode());
        assertTrue(plain.role().isEmpty());
        assertEquals("ALTER TABLE \"s\".\"t\" SET MIN GROUP SIZE 5 SUPPRESS", unparse(plain));
        syntaxError("ALTER TABLE s.t SET MIN GROUP SIZE 2.5");
    }

    @Test
    void everyColumnPolicyClassParses() {
        Map<String, ColumnPolicyClass> classes = Map.of(
                "PUBLIC", ColumnPolicyClass.PUBLIC,
                "HIDDEN", ColumnPolicyClass.HIDDEN,
                "JOIN ONLY", ColumnPolicyClass.JOIN_ONLY,
                "AGGREGATE ONLY", ColumnPolicyClass.AGGREGATE_ONLY);
        classes.forEach((sql, policyClass) -> {
            SqlSetColumnPolicy policy =
                    parseAs(SqlSetColumnPolicy.class, "ALTER TABLE s.t ALTER COLUMN c SET POLICY " + sql);
            assertSame(policyClass, policy.policyClass());
            assertEquals("c", policy.column().getSimple());
            assertTrue(policy.mask().isEmpty());
            assertTrue(policy.lowerBound().isEmpty());
            assertTrue(policy.role().isEmpty());
        });
    }

    @Test
    void aggregateOnlyWithBounds() {
        SqlSetColumnPolicy policy = parseAs(
                SqlSetColumnPolicy.class,
                "ALTER TABLE s.t ALTER c_acctbal SET POLICY AGGREGATE ONLY BOUNDS (-1000, 1e4) FOR ROLE analyst");
        assertSame(ColumnPolicyClass.AGGREGATE_ONLY, policy.policyClass());
        assertEquals(0, new BigDecimal(-1000).compareTo(policy.lowerBound().orElseThrow()));
        assertEquals(0, new BigDecimal(10000).compareTo(policy.upperBound().orElseThrow()));
        assertEquals("analyst", policy.role().orElseThrow().getSimple());
        syntaxError("ALTER TABLE s.t ALTER COLUMN c SET POLICY HIDDEN BOUNDS (1, 2)");
    }

    @Test
    void everyMaskParses() {
        Map<String, ColumnMask> masks = Map.of(
                "REDACT", ColumnMask.of(MaskFunction.REDACT),
                "NULLIFY", ColumnMask.of(MaskFunction.NULLIFY),
                "HASH", ColumnMask.of(MaskFunction.HASH),
                "TRUNCATE(3)", ColumnMask.of(MaskFunction.TRUNCATE, new BigDecimal(3)),
                "YEAR", ColumnMask.of(MaskFunction.YEAR),
                "MONTH", ColumnMask.of(MaskFunction.MONTH),
                "BUCKET(0.5)", ColumnMask.of(MaskFunction.BUCKET, new BigDecimal("0.5")),
                "show_last(4)", ColumnMask.of(MaskFunction.SHOW_LAST, new BigDecimal(4)));
        masks.forEach((sql, mask) -> {
            SqlSetColumnPolicy policy = parseAs(
                    SqlSetColumnPolicy.class,
                    "ALTER TABLE s.t ALTER COLUMN c SET POLICY MASKED USING " + sql + " FOR ROLE r");
            assertSame(ColumnPolicyClass.MASKED, policy.policyClass());
            assertEquals(Optional.of(mask), policy.mask(), sql);
            assertEquals("r", policy.role().orElseThrow().getSimple());
        });
        syntaxError("ALTER TABLE s.t ALTER COLUMN c SET POLICY MASKED USING TRUNCATE");
        syntaxError("ALTER TABLE s.t ALTER COLUMN c SET POLICY MASKED USING SHOW_LAST(2.5)");
        syntaxError("ALTER TABLE s.t ALTER COLUMN c SET POLICY MASKED USING upper");
    }

    @Test
    void domainOfValuesOrReference() {
        SqlSetColumnDomain values = parseAs(
                SqlSetColumnDomain.class,
                "ALTER TABLE s.t ALTER COLUMN c_mktsegment SET DOMAIN IN ('BUILDING', 'MACHINERY', 7, -1.5, DATE '2020-01-01')");
        assertEquals("c_mktsegment", values.column().getSimple());
        List<SqlLiteral> literals = values.values();
        assertEquals(5, literals.size());
        assertEquals("BUILDING", literals.get(0).getValueAs(String.class));
        assertEquals(0, new BigDecimal("-1.5").compareTo(literals.get(3).bigDecimalValue()));
        assertTrue(values.referencedTable().isEmpty());

        SqlSetColumnDomain reference = parseAs(
                SqlSetColumnDomain.class,
                "alter table tpch.customer alter column c_nationkey set domain references tpch.nation (n_nationkey)");
        assertTrue(reference.values().isEmpty());
        assertEquals(List.of("tpch", "nation"), reference.referencedTable().orElseThrow().names);
        assertEquals("n_nationkey", reference.referencedColumn().orElseThrow().getSimple());
        syntaxError("ALTER TABLE s.t ALTER COLUMN c SET DOMAIN IN ()");
    }

    @Test
    void rowFilterKeepsThePredicate() {
        SqlSetRowFilter filter = parseAs(
                SqlSetRowFilter.class,
                "ALTER TABLE s.orders SET ROW FILTER (o_orderdate >= DATE '1995-01-01' AND o_clerk <> 'x') FOR ROLE analyst");
        assertEquals(SqlKind.AND, filter.predicate().getKind());
        assertEquals("analyst", filter.role().orElseThrow().getSimple());
        SqlSetRowFilter withSubQuery =
                parseAs(SqlSetRowFilter.class, "ALTER TABLE s.t SET ROW FILTER (region IN (SELECT r FROM s.allowed))");
        assertEquals(SqlKind.IN, withSubQuery.predicate().getKind());
        assertTrue(withSubQuery.role().isEmpty());
        assertEquals(
                "ALTER TABLE \"s\".\"t\" SET ROW FILTER (\"region\" IN (SELECT \"r\" FROM \"s\".\"allowed\"))",
                unparse(withSubQuery));
    }

    @Test
    void dropRowFilterWithAndWithoutRole() {
        SqlDropTablePolicy drop = parseAs(SqlDropTablePolicy.class, "ALTER TABLE s.t DROP ROW FILTER FOR ROLE analyst");
        assertEquals(List.of("s", "t"), drop.table().names);
        assertEquals(SqlDropTablePolicy.Policy.ROW_FILTER, drop.policy());
        assertEquals("analyst", drop.role().orElseThrow().getSimple());
        assertTrue(parseAs(SqlDropTablePolicy.class, "ALTER TABLE s.t DROP ROW FILTER")
                .role()
                .isEmpty());
    }

    @Test
    void differentialPrivacySettingsInAnyOrder() {
        SqlSetDifferentialPrivacy dp = parseAs(SqlSetDifferentialPrivacy.class, """
                ALTER TABLE tpch.orders SET DIFFERENTIAL PRIVACY
                  (EPSILON 1.5, DELTA 1e-5, MAX GROUPS PER UNIT 3, MAX ROWS PER UNIT PER GROUP 10) FOR ROLE analyst""");
        assertEquals(new BigDecimal("1.5"), dp.epsilon());
        assertEquals(0, new BigDecimal("0.00001").compareTo(dp.delta().orElseThrow()));
        assertEquals(OptionalInt.of(3), dp.maxGroupsPerUnit());
        assertEquals(OptionalInt.of(10), dp.maxRowsPerUnitPerGroup());
        assertEquals("analyst", dp.role().orElseThrow().getSimple());

        SqlSetDifferentialPrivacy reordered = parseAs(
                SqlSetDifferentialPrivacy.class,
                "alter table t set differential privacy (max groups per unit 1, epsilon 1e20)");
        assertEquals(0, new BigDecimal("1e20").compareTo(reordered.epsilon()));
        assertTrue(reordered.delta().isEmpty());
        assertEquals(OptionalInt.of(1), reordered.maxGroupsPerUnit());
        assertTrue(reordered.maxRowsPerUnitPerGroup().isEmpty());
        assertEquals(
                "ALTER TABLE \"t\" SET DIFFERENTIAL PRIVACY (EPSILON 1E+20, MAX GROUPS PER UNIT 1)",
                unparse(reordered));
    }

    @Test
    void contributionBoundsAutoOrFixed() {
        SqlSetDifferentialPrivacy auto = parseAs(
                SqlSetDifferentialPrivacy.class,
                "ALTER TABLE s.t SET DIFFERENTIAL PRIVACY (EPSILON 1, MAX ROWS PER UNIT PER GROUP 100,"
                        + " contribution bounds auto)");
        assertTrue(auto.autoBounds());
        assertEquals(
                "ALTER TABLE \"s\".\"t\" SET DIFFERENTIAL PRIVACY (EPSILON 1, MAX ROWS PER UNIT PER GROUP 100,"
                        + " CONTRIBUTION BOUNDS AUTO)",
                unparse(auto));
        SqlSetDifferentialPrivacy fixed = parseAs(
                SqlSetDifferentialPrivacy.class,
                "ALTER TABLE s.t SET DIFFERENTIAL PRIVACY (CONTRIBUTION BOUNDS FIXED, EPSILON 1)");
        assertFalse(fixed.autoBounds());
        assertFalse(parseAs(SqlSetDifferentialPrivacy.class, "ALTER TABLE s.t SET DIFFERENTIAL PRIVACY (EPSILON 1)")
                .autoBounds());
        assertTrue(syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON 1, CONTRIBUTION BOUNDS AUTO,"
                        + " CONTRIBUTION BOUNDS FIXED)")
                .contains("CONTRIBUTION BOUNDS is given more than once"));
        syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON 1, CONTRIBUTION BOUNDS)");
        assertTrue(syntaxError("CREATE PRIVACY BUDGET b LIMIT (EPSILON 1, CONTRIBUTION BOUNDS AUTO)")
                .contains("takes only EPSILON and DELTA"));
        // The new words stay usable as names.
        parseAs(SqlSetDifferentialPrivacy.class, "ALTER TABLE auto.contribution SET DIFFERENTIAL PRIVACY (EPSILON 1)");
    }

    @Test
    void differentialPrivacyNeedsEpsilonOnce() {
        assertTrue(syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY (DELTA 0.1)")
                .contains("needs EPSILON"));
        String twice = syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON 1, EPSILON 2)");
        assertTrue(twice.startsWith("Syntax error at line 1, column 52: EPSILON is given more than once"), twice);
        syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON -1)");
        syntaxError("ALTER TABLE t SET DIFFERENTIAL PRIVACY ()");
    }

    @Test
    void dropDifferentialPrivacy() {
        SqlDropTablePolicy drop =
                parseAs(SqlDropTablePolicy.class, "ALTER TABLE s.t DROP DIFFERENTIAL PRIVACY FOR ROLE analyst");
        assertEquals(SqlDropTablePolicy.Policy.DIFFERENTIAL_PRIVACY, drop.policy());
        assertEquals("analyst", drop.role().orElseThrow().getSimple());
        assertTrue(parseAs(SqlDropTablePolicy.class, "ALTER TABLE s.t DROP DIFFERENTIAL PRIVACY")
                .role()
                .isEmpty());
    }

    @Test
    void privacyBudgetWithEveryWindow() {
        for (BudgetWindow window : BudgetWindow.values()) {
            SqlCreatePrivacyBudget budget = parseAs(
                    SqlCreatePrivacyBudget.class,
                    "CREATE PRIVACY BUDGET analysts LIMIT (EPSILON 10, DELTA 0.0001) WINDOW " + window);
            assertEquals("analysts", budget.name().getSimple());
            assertEquals(new BigDecimal(10), budget.epsilon());
            assertEquals(new BigDecimal("0.0001"), budget.delta().orElseThrow());
            assertSame(window, budget.window());
        }
    }

    @Test
    void privacyBudgetLimitWithoutParentheses() {
        SqlCreatePrivacyBudget budget = parseAs(
                SqlCreatePrivacyBudget.class, "create privacy budget if not exists b limit epsilon 2.5 window never");
        assertTrue(budget.ifNotExists());
        assertEquals(new BigDecimal("2.5"), budget.epsilon());
        assertTrue(budget.delta().isEmpty());
        assertEquals("CREATE PRIVACY BUDGET IF NOT EXISTS \"b\" LIMIT (EPSILON 2.5) WINDOW NEVER", unparse(budget));
    }

    @Test
    void privacyBudgetLimitTakesOnlyEpsilonAndDelta() {
        assertTrue(syntaxError("CREATE PRIVACY BUDGET b LIMIT (EPSILON 1, MAX GROUPS PER UNIT 2) WINDOW DAILY")
                .contains("takes only EPSILON and DELTA"));
        assertTrue(syntaxError("CREATE PRIVACY BUDGET b LIMIT (DELTA 0.1) WINDOW DAILY")
                .contains("needs EPSILON"));
        syntaxError("CREATE PRIVACY BUDGET b LIMIT (EPSILON 1) WINDOW HOURLY");
        syntaxError("CREATE PRIVACY BUDGET b LIMIT (EPSILON 1)");
    }

    @Test
    void policyWordsRemainUsableAsIdentifiers() {
        ParsingAssertions.assertRoundTrips(VeilParser.parse("""
                SELECT hash, password, budget, policy, policies, unit, via, delta, epsilon, privacy, hidden,
                       masked, bounds, aggregate, redact, nullify, bucket, show_last, suppress, remainder,
                       differential, daily, weekly, monthly, never, role, public, domain
                FROM privacy.budget"""));
        assertEquals(
                "policy",
                parseAs(
                                SqlSetColumnPolicy.class,
                                "ALTER TABLE budget.policy ALTER COLUMN policy SET POLICY HIDDEN FOR ROLE unit")
                        .column()
                        .getSimple());
    }
}
