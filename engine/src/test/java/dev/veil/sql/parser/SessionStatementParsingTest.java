package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlExplainPrivacy;
import dev.veil.sql.ast.SqlSetEpsilon;
import dev.veil.sql.ast.SqlSetSchema;
import dev.veil.sql.ast.SqlShowPolicies;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOption;
import org.junit.jupiter.api.Test;

/** SET EPSILON, SET SCHEMA, EXPLAIN PRIVACY and SHOW POLICIES. */
class SessionStatementParsingTest {
    @Test
    void setEpsilonParsesTheValue() {
        SqlSetEpsilon set = parseAs(SqlSetEpsilon.class, "SET EPSILON = 0.5");
        assertEquals(new BigDecimal("0.5"), set.epsilon());
        assertEquals("SET EPSILON = 0.5", unparse(set));
        assertEquals(
                0,
                new BigDecimal("0.001")
                        .compareTo(parseAs(SqlSetEpsilon.class, "set epsilon to 1e-3")
                                .epsilon()));
        syntaxError("SET EPSILON = 'high'");
    }

    @Test
    void setSchemaTakesANameOrAString() {
        assertEquals(
                "tpch", parseAs(SqlSetSchema.class, "SET SCHEMA tpch").schema().getSimple());
        assertEquals(
                "tpch",
                parseAs(SqlSetSchema.class, "set schema = 'tpch'").schema().getSimple());
        assertEquals(
                "Shop",
                parseAs(SqlSetSchema.class, "SET SCHEMA TO \"Shop\"").schema().getSimple());
        syntaxError("SET SCHEMA");
        syntaxError("SET SCHEMA a.b");
    }

    @Test
    void otherSetStatementsStayCalcites() {
        assertInstanceOf(SqlSetOption.class, VeilParser.parse("SET search_path = 'tpch'"));
    }

    @Test
    void explainPrivacyKeepsTheQuery() {
        SqlExplainPrivacy explain = parseAs(
                SqlExplainPrivacy.class,
                "EXPLAIN PRIVACY SELECT o_orderpriority, count(*) FROM tpch.orders GROUP BY o_orderpriority");
        SqlSelect select = assertInstanceOf(SqlSelect.class, explain.query());
        assertEquals(1, select.getGroup().size());
        SqlExplainPrivacy ordered =
                parseAs(SqlExplainPrivacy.class, "explain privacy select a from t order by a limit 5");
        assertInstanceOf(SqlOrderBy.class, ordered.query());
        assertEquals(SqlKind.OTHER, ordered.getKind());
        syntaxError("EXPLAIN PRIVACY DROP TABLE t");
    }

    @Test
    void explainPlanStillWorks() {
        assertEquals(
                SqlKind.EXPLAIN, VeilParser.parse("EXPLAIN PLAN FOR SELECT 1").getKind());
    }

    @Test
    void showPoliciesForAllOrOneTable() {
        assertTrue(parseAs(SqlShowPolicies.class, "SHOW POLICIES").table().isEmpty());
        SqlShowPolicies one = parseAs(SqlShowPolicies.class, "show policies for tpch.Customer");
        assertEquals(List.of("tpch", "customer"), one.table().orElseThrow().names);
    }
}
