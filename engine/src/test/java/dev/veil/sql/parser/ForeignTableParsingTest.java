package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlCreateConnection;
import dev.veil.sql.ast.SqlCreateForeignTable;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlImportForeignSchema;
import dev.veil.sql.ast.SqlRefreshForeignTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statements of connections and foreign tables, and that their new words stay usable as names. */
class ForeignTableParsingTest {
    @Test
    void connections() {
        SqlCreateConnection create = assertInstanceOf(
                SqlCreateConnection.class,
                VeilParser.parse("create connection if not exists lake type postgresql"
                        + " url 'jdbc:postgresql://h:5432/db' user 'veil' password file '/etc/veil/pw'"));
        assertEquals("lake", create.name().getSimple());
        assertEquals("postgresql", create.kind().getSimple().toLowerCase(java.util.Locale.ROOT));
        assertEquals("jdbc:postgresql://h:5432/db", create.url());
        assertEquals("veil", create.user());
        assertEquals("/etc/veil/pw", create.passwordFile().orElseThrow());
        assertTrue(create.ifNotExists());
        assertTrue(unparse(create).startsWith("CREATE CONNECTION IF NOT EXISTS \"lake\" TYPE"), unparse(create));
        SqlDropObject drop = assertInstanceOf(SqlDropObject.class, VeilParser.parse("DROP CONNECTION IF EXISTS lake"));
        assertEquals(SqlDropObject.Target.CONNECTION, drop.target());
        assertTrue(drop.ifExists());
    }

    @Test
    void foreignTables() {
        SqlCreateForeignTable create = assertInstanceOf(
                SqlCreateForeignTable.class,
                VeilParser.parse("CREATE FOREIGN TABLE shop.orders FROM CONNECTION lake REMOTE 'public.orders'"));
        assertEquals(List.of("shop", "orders"), create.name().names);
        assertEquals("public.orders", create.remote());
        assertEquals(
                "CREATE FOREIGN TABLE \"shop\".\"orders\" FROM CONNECTION \"lake\" REMOTE 'public.orders'",
                unparse(create));
        SqlImportForeignSchema quoted = assertInstanceOf(
                SqlImportForeignSchema.class,
                VeilParser.parse("IMPORT FOREIGN SCHEMA 'tpch.tiny' FROM CONNECTION lake INTO shop"));
        assertEquals("tpch.tiny", quoted.remoteSchema());
        SqlImportForeignSchema bare = assertInstanceOf(
                SqlImportForeignSchema.class,
                VeilParser.parse("import foreign schema public from connection lake into s"));
        assertEquals("s", bare.schema().getSimple());
        SqlRefreshForeignTable refresh =
                assertInstanceOf(SqlRefreshForeignTable.class, VeilParser.parse("REFRESH FOREIGN TABLE shop.orders"));
        assertEquals(List.of("shop", "orders"), refresh.name().names);
        // The new keywords are not reserved.
        VeilParser.parse("SELECT url, file, remote, refresh FROM t");
    }
}
