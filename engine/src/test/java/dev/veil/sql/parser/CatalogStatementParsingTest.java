package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlDropPrivacyBudget;
import dev.veil.sql.ast.SqlDropTablePolicy;
import dev.veil.sql.ast.SqlShowCatalog;
import java.util.List;
import org.apache.calcite.sql.SqlDescribeTable;
import org.junit.jupiter.api.Test;

/** SHOW SCHEMAS | TABLES | COLUMNS, DESCRIBE, and the DROP statements of budgets, units and sizes. */
class CatalogStatementParsingTest {
    @Test
    void showStatements() {
        SqlShowCatalog schemas = parseAs(SqlShowCatalog.class, "show schemas");
        assertEquals(SqlShowCatalog.Target.SCHEMAS, schemas.target());
        assertTrue(schemas.name().isEmpty());
        assertEquals("SHOW SCHEMAS", unparse(schemas));

        SqlShowCatalog all = parseAs(SqlShowCatalog.class, "SHOW TABLES");
        assertEquals(SqlShowCatalog.Target.TABLES, all.target());
        assertTrue(all.name().isEmpty());
        for (String sql : List.of("SHOW TABLES IN shop", "SHOW TABLES FROM shop")) {
            SqlShowCatalog in = parseAs(SqlShowCatalog.class, sql);
            assertEquals("shop", in.name().orElseThrow().getSimple());
            assertEquals("SHOW TABLES IN \"shop\"", unparse(in));
        }

        SqlShowCatalog columns = parseAs(SqlShowCatalog.class, "SHOW COLUMNS FROM shop.customers");
        assertEquals(SqlShowCatalog.Target.COLUMNS, columns.target());
        assertEquals(List.of("shop", "customers"), columns.name().orElseThrow().names);
        assertEquals("SHOW COLUMNS FROM \"shop\".\"customers\"", unparse(columns));
        assertEquals(
                List.of("t"),
                parseAs(SqlShowCatalog.class, "SHOW COLUMNS IN t").name().orElseThrow().names);
        syntaxError("SHOW COLUMNS");
        syntaxError("SHOW TABLES IN a.b");
    }

    @Test
    void wordsOfShowStayNames() {
        // SCHEMAS, TABLES and COLUMNS are non-reserved: still usable as identifiers.
        parseAs(org.apache.calcite.sql.SqlSelect.class, "SELECT tables, columns, schemas FROM t");
    }

    @Test
    void describeIsCalcitesNode() {
        SqlDescribeTable d = parseAs(SqlDescribeTable.class, "DESCRIBE shop.customers");
        assertEquals(List.of("shop", "customers"), d.getTable().names);
        SqlDescribeTable c = parseAs(SqlDescribeTable.class, "DESCRIBE shop.customers email");
        assertEquals("email", c.getColumn().getSimple());
    }

    @Test
    void dropPrivacyBudget() {
        SqlDropPrivacyBudget plain = parseAs(SqlDropPrivacyBudget.class, "DROP PRIVACY BUDGET weekly");
        assertEquals("weekly", plain.name().getSimple());
        assertFalse(plain.ifExists());
        assertFalse(plain.cascade());
        assertEquals("DROP PRIVACY BUDGET \"weekly\"", unparse(plain));
        SqlDropPrivacyBudget cascade =
                parseAs(SqlDropPrivacyBudget.class, "drop privacy budget if exists weekly cascade");
        assertTrue(cascade.ifExists());
        assertTrue(cascade.cascade());
        assertEquals("DROP PRIVACY BUDGET IF EXISTS \"weekly\" CASCADE", unparse(cascade));
        assertFalse(parseAs(SqlDropPrivacyBudget.class, "DROP PRIVACY BUDGET w RESTRICT")
                .cascade());
        syntaxError("DROP PRIVACY BUDGET a.b");
    }

    @Test
    void dropUnitAndMinGroupSize() {
        SqlDropTablePolicy unit = parseAs(SqlDropTablePolicy.class, "ALTER TABLE shop.orders DROP PRIVACY UNIT");
        assertEquals(SqlDropTablePolicy.Policy.PRIVACY_UNIT, unit.policy());
        assertTrue(unit.role().isEmpty());
        assertEquals("ALTER TABLE \"shop\".\"orders\" DROP PRIVACY UNIT", unparse(unit));
        syntaxError("ALTER TABLE shop.orders DROP PRIVACY UNIT FOR ROLE r");

        SqlDropTablePolicy size =
                parseAs(SqlDropTablePolicy.class, "ALTER TABLE shop.orders DROP MIN GROUP SIZE FOR ROLE support");
        assertEquals(SqlDropTablePolicy.Policy.MIN_GROUP_SIZE, size.policy());
        assertEquals("support", size.role().orElseThrow().getSimple());
        assertEquals("ALTER TABLE \"shop\".\"orders\" DROP MIN GROUP SIZE FOR ROLE \"support\"", unparse(size));
    }
}
