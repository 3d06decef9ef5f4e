package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlAlterSchemaAccess;
import dev.veil.sql.ast.SqlCreateView;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlGrantSchema;
import dev.veil.sql.ast.SqlGrantSelect;
import java.util.List;
import org.apache.calcite.sql.SqlDescribeTable;
import org.junit.jupiter.api.Test;

/** CREATE / DROP VIEW, grants on views and schemas, ALTER SCHEMA ... SET ACCESS, DESCRIBE public.t. */
class ViewStatementParsingTest {
    @Test
    void createAndDropView() {
        SqlCreateView v = parseAs(SqlCreateView.class, "CREATE VIEW s.v (a, b) AS SELECT x, y FROM s.t");
        assertEquals(List.of("s", "v"), v.name().names);
        assertEquals(2, v.columns().size());
        assertFalse(v.replace());
        SqlCreateView r = parseAs(SqlCreateView.class, "create or replace view v as select 1 as c");
        assertTrue(r.replace());
        assertTrue(r.columns().isEmpty());
        assertTrue(unparse(r).startsWith("CREATE OR REPLACE VIEW \"v\" AS SELECT"));
        SqlDropObject d = parseAs(SqlDropObject.class, "DROP VIEW IF EXISTS s.v");
        assertEquals(SqlDropObject.Target.VIEW, d.target());
        assertTrue(d.ifExists());
        syntaxError("CREATE VIEW v");
        syntaxError("CREATE VIEW v () AS SELECT 1");
    }

    @Test
    void grantsOnViewsAndSchemas() {
        SqlGrantSelect g = parseAs(SqlGrantSelect.class, "GRANT SELECT ON VIEW s.v TO ROLE r");
        assertEquals(List.of("s", "v"), g.table().names);
        assertTrue(g.grant());
        SqlGrantSchema s = parseAs(SqlGrantSchema.class, "GRANT CREATE ON SCHEMA s TO USER u");
        assertEquals(SqlGrantSchema.Privilege.CREATE, s.privilege());
        assertEquals("GRANT CREATE ON SCHEMA \"s\" TO USER \"u\"", unparse(s));
        SqlGrantSchema rs = parseAs(SqlGrantSchema.class, "REVOKE SELECT ON SCHEMA s FROM ROLE r");
        assertFalse(rs.grant());
        assertEquals(SqlGrantSchema.Privilege.SELECT, rs.privilege());
        syntaxError("GRANT SELECT ON SCHEMA s FROM ROLE r");
        syntaxError("REVOKE CREATE ON SCHEMA s TO ROLE r");
        syntaxError("GRANT CREATE ON TABLE t TO ROLE r");
    }

    @Test
    void schemaAccess() {
        SqlAlterSchemaAccess a = parseAs(SqlAlterSchemaAccess.class, "ALTER SCHEMA s SET ACCESS RESTRICTED");
        assertTrue(a.restricted());
        assertEquals("ALTER SCHEMA \"s\" SET ACCESS RESTRICTED", unparse(a));
        assertFalse(parseAs(SqlAlterSchemaAccess.class, "alter schema s set access open")
                .restricted());
        syntaxError("ALTER SCHEMA s SET ACCESS CLOSED");
    }

    @Test
    void describePublicTable() {
        SqlDescribeTable d = parseAs(SqlDescribeTable.class, "DESCRIBE public.t");
        assertEquals(List.of("public", "t"), d.getTable().names);
        SqlDescribeTable c = parseAs(SqlDescribeTable.class, "DESCRIBE TABLE public.t c");
        assertEquals(List.of("public", "t"), c.getTable().names);
        assertEquals("c", c.getColumn().getSimple());
        parseAs(org.apache.calcite.sql.SqlSelect.class, "SELECT access, restricted, public FROM t");
    }
}
