package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TpchSchemaTest {
    @Test
    void lineitemUsesSpecificationTypes() {
        String ddl = TpchSchema.createTable("tpch", "lineitem");
        assertTrue(ddl.startsWith("CREATE TABLE tpch.lineitem ("), ddl);
        assertTrue(ddl.contains("l_orderkey BIGINT NOT NULL"), ddl);
        assertTrue(ddl.contains("l_linenumber INTEGER NOT NULL"), ddl);
        assertTrue(ddl.contains("l_quantity DECIMAL(15,2) NOT NULL"), ddl);
        assertTrue(ddl.contains("l_extendedprice DECIMAL(15,2) NOT NULL"), ddl);
        assertTrue(ddl.contains("l_shipdate DATE NOT NULL"), ddl);
        assertTrue(ddl.contains("l_comment VARCHAR NOT NULL"), ddl);
    }

    @Test
    void ddlHasOneStatementPerTableInTheGivenSchema() {
        List<String> ddl = TpchSchema.ddl("bench");
        assertEquals(8, ddl.size());
        for (int i = 0; i < ddl.size(); i++) {
            assertTrue(ddl.get(i).startsWith("CREATE TABLE bench." + TpchSchema.TABLES.get(i) + " ("), ddl.get(i));
        }
    }

    @Test
    void rejectsSchemaNamesThatNeedQuoting() {
        assertThrows(IllegalArgumentException.class, () -> TpchSchema.ddl("Tpch"));
        assertThrows(IllegalArgumentException.class, () -> TpchSchema.ddl("tpch; drop"));
    }

    @Test
    void rejectsUnknownTable() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> TpchSchema.createTable("tpch", "lineitems"));
        assertTrue(e.getMessage().contains("'lineitems'"), e.getMessage());
    }

    @Test
    void copyStatementFollowsTheTargetDialect() {
        assertEquals(TpchLoader.Dialect.DUCKDB, TpchLoader.Dialect.forJdbcUrl("jdbc:duckdb:"));
        assertEquals(TpchLoader.Dialect.VEIL, TpchLoader.Dialect.forJdbcUrl("jdbc:veil:embedded:/tmp/w"));
        assertEquals(
                "COPY tpch.nation FROM '/d/it''s/nation.tbl' WITH (DELIMITER = '|', HEADER = FALSE)",
                TpchLoader.Dialect.VEIL.copy("tpch.nation", java.nio.file.Path.of("/d/it's/nation.tbl")));
        assertEquals(
                "COPY tpch.nation FROM '/d/nation.tbl' (DELIMITER '|', HEADER false)",
                TpchLoader.Dialect.DUCKDB.copy("tpch.nation", java.nio.file.Path.of("/d/nation.tbl")));
    }
}
