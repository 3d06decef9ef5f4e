package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlEraseUnit;
import dev.veil.sql.ast.SqlExportUnit;
import dev.veil.sql.ast.SqlSetPrivacyUnit;
import dev.veil.sql.ast.SqlVacuum;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlNode;
import org.junit.jupiter.api.Test;

/** EXPORT / ERASE PRIVACY UNIT, VACUUM and ON ERASE: their syntax, and their text never shows the unit's value. */
class DataSubjectRightsParsingTest {
    @Test
    void exportAndEraseKeepTheValueButNeverPrintIt() {
        SqlExportUnit export = assertInstanceOf(
                SqlExportUnit.class,
                VeilParser.parse("export privacy unit 'Maya Novak' of shop.customers to '/tmp/m.csv' format csv"));
        assertEquals("Maya Novak", export.value().getValueAs(String.class));
        assertEquals(List.of("shop", "customers"), export.table().names);
        assertEquals("/tmp/m.csv", export.file());
        assertEquals("csv", export.format().orElseThrow());
        assertEquals(
                "EXPORT PRIVACY UNIT '***' OF \"shop\".\"customers\" TO '/tmp/m.csv' FORMAT \"csv\"", unparse(export));

        SqlExportUnit json = assertInstanceOf(
                SqlExportUnit.class, VeilParser.parse("EXPORT PRIVACY UNIT 7731 OF shop.customers TO 'x.json'"));
        assertTrue(json.format().isEmpty());
        assertFalse(unparse(json).contains("7731"));

        SqlEraseUnit erase =
                assertInstanceOf(SqlEraseUnit.class, VeilParser.parse("ERASE PRIVACY UNIT -42 OF shop.customers"));
        assertEquals(new BigDecimal("-42"), erase.value().getValueAs(BigDecimal.class));
        assertFalse(erase.deferVacuum());
        assertEquals("ERASE PRIVACY UNIT '***' OF \"shop\".\"customers\"", unparse(erase));
        SqlEraseUnit deferred = assertInstanceOf(
                SqlEraseUnit.class, VeilParser.parse("erase privacy unit 'a''b' of customers defer vacuum"));
        assertTrue(deferred.deferVacuum());
        assertEquals("a'b", deferred.value().getValueAs(String.class));
        assertEquals("ERASE PRIVACY UNIT '***' OF \"customers\" DEFER VACUUM", unparse(deferred));
        SqlNode copy = erase.clone(erase.getParserPosition());
        assertTrue(erase.equalsDeep(copy, org.apache.calcite.util.Litmus.THROW));

        parseAs(SqlVacuum.class, "vacuum");
    }

    @Test
    void onEraseRules() {
        SqlSetPrivacyUnit setNull = parseAs(
                SqlSetPrivacyUnit.class,
                "ALTER TABLE shop.tickets SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                        + " ON ERASE SET NULL");
        assertTrue(setNull.setNullOnErase());
        SqlSetPrivacyUnit delete = parseAs(
                SqlSetPrivacyUnit.class,
                "ALTER TABLE shop.tickets SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                        + " ON ERASE DELETE");
        assertFalse(delete.setNullOnErase());
        syntaxError("ALTER TABLE shop.customers SET PRIVACY UNIT (id) ON ERASE SET NULL");
        syntaxError("ERASE PRIVACY UNIT OF shop.customers");
        syntaxError("EXPORT PRIVACY UNIT 1 OF shop.customers");
        syntaxError("ERASE PRIVACY UNIT 1 + 1 OF shop.customers");
    }
}
