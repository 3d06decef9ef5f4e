package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.assertRoundTrips;
import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCreateSchema;
import dev.veil.sql.ast.SqlCreateTable;
import java.util.List;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParser;
import org.junit.jupiter.api.Test;

/** The facade: lexical rules, Calcite's statements, scripts and syntax errors. */
class VeilParserTest {
    @Test
    void configFoldsUnquotedIdentifiersToLowerCaseAndMatchesCaseSensitively() {
        SqlParser.Config config = VeilParser.config();
        assertEquals(Casing.TO_LOWER, config.unquotedCasing());
        assertEquals(Casing.UNCHANGED, config.quotedCasing());
        assertTrue(config.caseSensitive());
        assertEquals(128, config.identifierMaxLength());
        assertTrue(config.conformance().isBangEqualAllowed());

        SqlSelect select = assertInstanceOf(SqlSelect.class, VeilParser.parse("SELECT Name, \"Name\" FROM S.Customer"));
        assertEquals("name", ((SqlIdentifier) select.getSelectList().get(0)).getSimple());
        assertEquals("Name", ((SqlIdentifier) select.getSelectList().get(1)).getSimple());
        assertEquals(List.of("s", "customer"), ((SqlIdentifier) select.getFrom()).names);
    }

    @Test
    void identifierLongerThan128CharactersIsASyntaxError() {
        String ok = "c".repeat(128);
        assertInstanceOf(SqlSelect.class, VeilParser.parse("SELECT " + ok + " FROM t"));
        String message = syntaxError("SELECT " + "c".repeat(129) + " FROM t");
        assertTrue(message.contains("128"), message);
    }

    @Test
    void newKeywordsRemainUsableAsIdentifiers() {
        SqlNode node = VeilParser.parse("""
                SELECT header, delimiter, format, quote, copy, "schema", if, day, month, year, hour, minute, second
                FROM budget.copy AS if
                WHERE day > 1 AND (month) IS NOT NULL AND max(year) > 2""");
        SqlSelect select = assertInstanceOf(SqlSelect.class, node);
        assertEquals(
                List.of(
                        "header",
                        "delimiter",
                        "format",
                        "quote",
                        "copy",
                        "schema",
                        "if",
                        "day",
                        "month",
                        "year",
                        "hour",
                        "minute",
                        "second"),
                select.getSelectList().stream()
                        .map(n -> ((SqlIdentifier) n).getSimple())
                        .toList());
        assertRoundTrips(node);
        parseAs(
                SqlCreateTable.class,
                "CREATE TABLE s.events (day DATE, \"value\" DOUBLE, format VARCHAR, hash BIGINT)");
    }

    @Test
    void tpchStyleQueriesParse() {
        SqlNode q1 = VeilParser.parse("""
                select
                    l_returnflag, l_linestatus,
                    sum(l_quantity) as sum_qty,
                    sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
                    avg(l_discount) as avg_disc,
                    count(*) as count_order
                from tpch.lineitem
                where l_shipdate <= date '1998-12-01' - interval '90' day
                group by l_returnflag, l_linestatus
                order by l_returnflag, l_linestatus
                limit 10""");
        SqlOrderBy orderBy = assertInstanceOf(SqlOrderBy.class, q1);
        assertEquals("10", orderBy.fetch.toString());
        assertRoundTrips(q1);

        SqlNode q9 = VeilParser.parse("""
                select nation, o_year, sum(amount) as sum_profit
                from (
                    select n_name as nation, extract(year from o_orderdate) as o_year,
                           l_extendedprice * (1 - l_discount) - ps_supplycost * l_quantity as amount
                    from tpch.part, tpch.supplier, tpch.lineitem, tpch.partsupp, tpch.orders, tpch.nation
                    where s_suppkey = l_suppkey and p_name like '%green%'
                ) as profit
                group by nation, o_year
                order by nation, o_year desc""");
        assertRoundTrips(q9);

        SqlNode q22 = VeilParser.parse("""
                select substring(c_phone from 1 for 2) as cntrycode, count(*) as numcust
                from tpch.customer
                where substring(c_phone from 1 for 2) in ('13', '31', '23')
                  and c_acctbal > (select avg(c_acctbal) from tpch.customer where c_acctbal > 0.00)
                  and not exists (select * from tpch.orders where o_custkey = c_custkey)
                  and c_nationkey != 3
                group by cntrycode
                order by cntrycode
                limit 100 offset 5""");
        assertRoundTrips(q22);

        SqlNode q6 = VeilParser.parse("""
                select sum(l_extendedprice * l_discount) as revenue
                from tpch.lineitem
                where l_shipdate >= date '1994-01-01'
                  and l_shipdate < date '1994-01-01' + interval '1' year
                  and l_discount between .06 - 0.01 and .06 + 0.01
                  and l_quantity < 24""");
        assertRoundTrips(q6);
    }

    @Test
    void insertAndExplainKeepWorking() {
        SqlInsert values = assertInstanceOf(
                SqlInsert.class, VeilParser.parse("INSERT INTO s.t (id, name) VALUES (1, 'a'), (2, NULL)"));
        assertEquals(List.of("s", "t"), ((SqlIdentifier) values.getTargetTable()).names);
        assertEquals(2, values.getTargetColumnList().size());
        assertRoundTrips(values);

        SqlInsert select = assertInstanceOf(SqlInsert.class, VeilParser.parse("insert into s.t select * from s.u"));
        assertEquals(SqlKind.SELECT, select.getSource().getKind());

        SqlExplain explain =
                assertInstanceOf(SqlExplain.class, VeilParser.parse("EXPLAIN PLAN FOR SELECT a FROM s.t WHERE a != 1"));
        assertEquals(SqlKind.SELECT, explain.getExplicandum().getKind());
    }

    @Test
    void bangEqualIsNotEquals() {
        SqlSelect select = assertInstanceOf(SqlSelect.class, VeilParser.parse("SELECT a FROM t WHERE a != 1"));
        assertEquals(SqlKind.NOT_EQUALS, ((SqlBasicCall) select.getWhere()).getKind());
    }

    @Test
    void scriptSplitsStatementsAtSemicolons() {
        List<SqlNode> statements = VeilParser.parseScript("""
                -- set up
                CREATE SCHEMA s;
                CREATE TABLE s.t (id BIGINT NOT NULL, note VARCHAR);
                /* load it */
                COPY s.t FROM 'data;with;semicolons.csv' WITH (DELIMITER = ';');
                SELECT count(*) FROM s.t;
                """);
        assertEquals(4, statements.size());
        assertInstanceOf(SqlCreateSchema.class, statements.get(0));
        assertInstanceOf(SqlCreateTable.class, statements.get(1));
        assertEquals(
                "data;with;semicolons.csv",
                assertInstanceOf(SqlCopy.class, statements.get(2)).path());
        assertInstanceOf(SqlSelect.class, statements.get(3));
    }

    @Test
    void emptyScriptHasNoStatements() {
        assertTrue(VeilParser.parseScript("  -- nothing here\n").isEmpty());
        assertTrue(VeilParser.parseScript("").isEmpty());
    }

    @Test
    void scriptSyntaxErrorNamesLineAndColumn() {
        String message = scriptError("SELECT 1;\nSELECT a\n  FORM t;\nSELECT 2");
        assertTrue(message.startsWith("Syntax error at line 3, column 8: Encountered \"t\""), message);
    }

    @Test
    void syntaxErrorNamesLineColumnAndWhatWasExpected() {
        String message = syntaxError("SELECT a, b\nFROM t\nWHERE a = 1 GROUP b");
        assertTrue(
                message.startsWith("Syntax error at line 3, column 19: Encountered \"b\". Expected \"BY\""), message);
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void syntaxErrorListsOnlyAFewExpectedTokens() {
        String message = syntaxError("SELECT * FROM t WHERE");
        assertTrue(
                message.startsWith("Syntax error at line 1, column 21: Unexpected end of input. Expected one of: "),
                message);
        assertTrue(message.matches(".*, \\.\\.\\. \\(\\d+ more\\)$"), message);
        assertTrue(message.length() < 200, message);
    }

    @Test
    void syntaxErrorDoesNotRepeatStringLiterals() {
        String message = syntaxError("SELECT a FROM t 'secret value'");
        assertTrue(message.startsWith("Syntax error at line 1, column 17: Encountered a string literal"), message);
        assertFalse(message.contains("secret"), message);

        String unterminated = syntaxError("SELECT 'secret");
        assertFalse(unterminated.contains("secret"), unterminated);
        assertTrue(unterminated.contains("line 1, column 8"), unterminated);
    }

    @Test
    void expectedTokenClassesAreNamedForPeople() {
        String message = syntaxError("CREATE TABLE s.t (id INT) extra");
        assertEquals("Syntax error at line 1, column 27: Encountered \"extra\". Expected end of input", message);
        String identifier = syntaxError("SELECT * FROM select");
        assertTrue(identifier.contains("an identifier"), identifier);
        assertFalse(identifier.contains("QUOTED_IDENTIFIER"), identifier);
    }

    @Test
    void emptyStatementAndUnclosedCommentAreSyntaxErrors() {
        assertEquals("Syntax error: the statement is empty", syntaxError(" -- only a comment"));
        assertEquals(
                "Syntax error at line 1, column 16: Unexpected end of input (unclosed comment or quoted identifier?)",
                syntaxError("SELECT 1 /* abc"));
    }

    @Test
    void onlyBlanksAndClosedCommentsAreEmpty() {
        assertTrue(VeilParser.hasNoTokens(""));
        assertTrue(VeilParser.hasNoTokens(" \t\r\n\f-- a\n/* b */ /**/ --"));
        assertFalse(VeilParser.hasNoTokens("/* open"));
        assertFalse(VeilParser.hasNoTokens("/*+ hint */"));
        assertFalse(VeilParser.hasNoTokens("-- a\nSELECT 1"));
        assertFalse(VeilParser.hasNoTokens("\u00a0"));
        assertEquals("Syntax error: the statement is empty", syntaxError("/* x */\n-- y"));
        assertEquals(
                "Syntax error at line 1, column 7: Unexpected end of input (unclosed comment or quoted identifier?)",
                syntaxError("/* abc"));
    }

    @Test
    void expressionParsesOnItsOwn() {
        SqlNode predicate = VeilParser.parseExpression("Region = 'EU' AND amount != 3");
        assertEquals(SqlKind.AND, predicate.getKind());
        assertEquals("\"region\" = 'EU' AND \"amount\" <> 3", VeilParser.unparse(predicate));
        VeilException e = assertThrows(VeilException.class, () -> VeilParser.parseExpression("a = "));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.errorCode());
    }

    @Test
    void unexpectedCharacterIsASyntaxError() {
        String message = syntaxError("SELECT a # b FROM t");
        assertEquals("Syntax error at line 1, column 10: Unexpected character \"#\"", message);
    }

    private static String scriptError(String sql) {
        VeilException e = assertThrows(VeilException.class, () -> VeilParser.parseScript(sql));
        assertEquals(ErrorCode.SYNTAX_ERROR, e.errorCode());
        return e.getMessage();
    }

    @Test
    void unparseQuotesIdentifiersSoCasePersists() {
        SqlNode node = VeilParser.parse("SELECT \"Mixed\", Plain FROM \"S\".t");
        assertEquals("SELECT \"Mixed\", \"plain\"\nFROM \"S\".\"t\"", VeilParser.unparse(node));
        assertRoundTrips(node);
    }
}
