package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.SqlColumnDefinition;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCopyOption;
import dev.veil.sql.ast.SqlCreateSchema;
import dev.veil.sql.ast.SqlCreateTable;
import dev.veil.sql.ast.SqlDropObject;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

/** CREATE / DROP SCHEMA and TABLE, and COPY: the node and fields each statement parses to. */
class DataDefinitionParsingTest {
    @Test
    void createSchemaParsesNameAndIfNotExists() {
        SqlCreateSchema plain = parseAs(SqlCreateSchema.class, "create schema Sales");
        assertEquals("sales", plain.name().getSimple());
        assertFalse(plain.ifNotExists());
        assertEquals(SqlKind.CREATE_SCHEMA, plain.getKind());

        SqlCreateSchema guarded = parseAs(SqlCreateSchema.class, "CREATE SCHEMA IF NOT EXISTS \"Sales\"");
        assertEquals("Sales", guarded.name().getSimple());
        assertTrue(guarded.ifNotExists());
    }

    @Test
    void dropSchemaParsesNameAndIfExists() {
        SqlDropObject plain = parseAs(SqlDropObject.class, "DROP SCHEMA s");
        assertEquals("s", plain.name().getSimple());
        assertFalse(plain.ifExists());
        assertEquals(SqlDropObject.Target.SCHEMA, plain.target());
        assertEquals(SqlKind.DROP_SCHEMA, plain.getKind());
        assertTrue(parseAs(SqlDropObject.class, "drop schema if exists s").ifExists());
    }

    @Test
    void schemaMayBeNamedLikeTheNewKeywords() {
        assertEquals("if", parseAs(SqlDropObject.class, "DROP SCHEMA if").name().getSimple());
        assertEquals(
                "copy",
                parseAs(SqlCreateSchema.class, "CREATE SCHEMA copy").name().getSimple());
    }

    @Test
    void createTableParsesColumnsTypesAndNullability() {
        SqlCreateTable create = parseAs(SqlCreateTable.class, """
                CREATE TABLE IF NOT EXISTS s.Orders (
                    id BIGINT NOT NULL,
                    flag BOOLEAN NULL,
                    qty INT,
                    n INTEGER,
                    price DOUBLE PRECISION,
                    ratio DOUBLE,
                    amount DECIMAL(12, 2),
                    total NUMERIC(10,0),
                    name VARCHAR,
                    code VARCHAR(10),
                    day DATE,
                    created TIMESTAMP
                )""");
        assertEquals(List.of("s", "orders"), create.name().names);
        assertTrue(create.ifNotExists());
        assertTrue(create.query().isEmpty());
        List<SqlColumnDefinition> columns = create.columns();
        assertEquals(
                List.of(
                        "id", "flag", "qty", "n", "price", "ratio", "amount", "total", "name", "code", "day",
                        "created"),
                columns.stream().map(c -> c.name().getSimple()).toList());
        assertEquals(
                List.of(
                        "BIGINT",
                        "BOOLEAN",
                        "INTEGER",
                        "INTEGER",
                        "DOUBLE",
                        "DOUBLE",
                        "DECIMAL",
                        "DECIMAL",
                        "VARCHAR",
                        "VARCHAR",
                        "DATE",
                        "TIMESTAMP"),
                columns.stream().map(c -> c.type().getTypeName().getSimple()).toList());
        assertEquals(
                List.of(false, true, true, true, true, true, true, true, true, true, true, true),
                columns.stream().map(SqlColumnDefinition::nullable).toList());
        assertEquals(
                SqlTypeName.DECIMAL,
                SqlTypeName.get(columns.get(6).type().getTypeName().getSimple()));
        assertEquals("DECIMAL(12, 2)", unparse(columns.get(6).type()));
        assertEquals("VARCHAR(10)", unparse(columns.get(9).type()));
    }

    @Test
    void createTableUnparsesToReadableSql() {
        SqlCreateTable create = parseAs(SqlCreateTable.class, "create table s.t (id bigint not null, name varchar)");
        assertEquals("CREATE TABLE \"s\".\"t\" (\"id\" BIGINT NOT NULL, \"name\" VARCHAR)", unparse(create));
    }

    @Test
    void createTableAsQueryKeepsTheQuery() {
        SqlCreateTable create = parseAs(
                SqlCreateTable.class, "CREATE TABLE s.big AS SELECT id, amount FROM s.orders WHERE amount > 100");
        assertEquals(List.of("s", "big"), create.name().names);
        assertTrue(create.columns().isEmpty());
        assertTrue(create.query().orElseThrow() instanceof SqlSelect);
        assertFalse(create.ifNotExists());
    }

    @Test
    void createTableWithoutColumnsOrQueryIsASyntaxError() {
        syntaxError("CREATE TABLE s.t");
        syntaxError("CREATE TABLE s.t ()");
        syntaxError("CREATE TABLE s.t (id)");
    }

    @Test
    void createOrReplaceIsRejected() {
        String message = syntaxError("CREATE OR REPLACE TABLE s.t (id INT)");
        assertTrue(message.contains("CREATE OR REPLACE TABLE is not supported"), message);
        assertTrue(message.startsWith("Syntax error at line 1, column 1"), message);
    }

    @Test
    void tableNamesHaveAtMostTwoParts() {
        syntaxError("DROP TABLE a.b.c");
        assertEquals(List.of("t"), parseAs(SqlDropObject.class, "DROP TABLE t").name().names);
    }

    @Test
    void dropTableParsesNameAndIfExists() {
        SqlDropObject drop = parseAs(SqlDropObject.class, "DROP TABLE IF EXISTS s.\"T\"");
        assertEquals(List.of("s", "T"), drop.name().names);
        assertTrue(drop.ifExists());
        assertEquals(SqlKind.DROP_TABLE, drop.getKind());
        assertEquals(SqlDropObject.Target.TABLE, drop.target());
        assertFalse(parseAs(SqlDropObject.class, "DROP TABLE s.t").ifExists());
    }

    @Test
    void copyParsesTablePathAndOptions() {
        SqlCopy copy = parseAs(SqlCopy.class, """
                COPY s.orders FROM '/data/orders.csv'
                WITH (HEADER = TRUE, delimiter = '|', NULL = '', Format = 'csv', QUOTE = '"', encoding = 2)""");
        assertEquals(List.of("s", "orders"), copy.table().names);
        assertEquals("/data/orders.csv", copy.path());
        List<SqlCopyOption> options = copy.options();
        assertEquals(
                List.of("HEADER", "DELIMITER", "NULL", "FORMAT", "QUOTE", "ENCODING"),
                options.stream().map(SqlCopyOption::name).toList());
        assertTrue(options.get(0).value().booleanValue());
        assertEquals("|", options.get(1).value().getValueAs(String.class));
        assertEquals("", options.get(2).value().getValueAs(String.class));
        assertEquals("csv", copy.option("format").orElseThrow().value().getValueAs(String.class));
        assertEquals("\"", options.get(4).value().getValueAs(String.class));
        assertEquals(new BigDecimal(2), options.get(5).value().bigDecimalValue());
        assertTrue(copy.option("escape").isEmpty());
    }

    @Test
    void copyWithoutOptions() {
        SqlCopy copy = parseAs(SqlCopy.class, "copy t from 'it''s.arrow'");
        assertEquals(List.of("t"), copy.table().names);
        assertEquals("it's.arrow", copy.path());
        assertTrue(copy.options().isEmpty());
        assertEquals("COPY \"t\" FROM 'it''s.arrow'", unparse(copy));
    }

    @Test
    void copyUnparsesOptionsAsWritten() {
        SqlCopy copy = parseAs(SqlCopy.class, "COPY s.t FROM 'f.csv' WITH (header = false, null = 'NA')");
        assertEquals("COPY \"s\".\"t\" FROM 'f.csv' WITH (HEADER = FALSE, NULL = 'NA')", unparse(copy));
    }

    @Test
    void copyOptionGivenTwiceIsASyntaxError() {
        String message = syntaxError("COPY s.t FROM 'f.csv' WITH (HEADER = TRUE, header = FALSE)");
        assertTrue(message.contains("Option HEADER is given more than once"), message);
        assertTrue(message.contains("column 44"), message);
    }

    @Test
    void copyNeedsAStringPath() {
        syntaxError("COPY s.t FROM s.u");
        syntaxError("COPY s.t FROM '/f.csv' WITH ()");
        syntaxError("COPY s.t FROM '/f.csv' WITH (HEADER)");
    }
}
