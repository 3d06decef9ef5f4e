package dev.veil.sql.parser;

import static dev.veil.sql.parser.ParsingAssertions.parseAs;
import static dev.veil.sql.parser.ParsingAssertions.syntaxError;
import static dev.veil.sql.parser.ParsingAssertions.unparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.sql.ast.PrincipalKind;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCreateRole;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlGrantRole;
import dev.veil.sql.ast.SqlSetPrivacyBudget;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Litmus;
import org.junit.jupiter.api.Test;

/** Users, roles and their budgets; passwords never show in a node's SQL text. */
class PrincipalStatementParsingTest {
    @Test
    void createRoleParsesName() {
        SqlCreateRole role = parseAs(SqlCreateRole.class, "CREATE ROLE Auditor");
        assertEquals("auditor", role.name().getSimple());
        assertFalse(role.ifNotExists());
        assertEquals(SqlKind.OTHER_DDL, role.getKind());
        assertTrue(parseAs(SqlCreateRole.class, "create role if not exists auditor")
                .ifNotExists());
    }

    @Test
    void createUserParsesNamePasswordAndRole() {
        SqlCreateUser user = assertInstanceOf(
                SqlCreateUser.class, VeilParser.parse("CREATE USER Bob PASSWORD 'S3cret!' ROLE analyst"));
        assertEquals("bob", user.name().getSimple());
        assertEquals("S3cret!", user.password());
        assertEquals("analyst", user.role().orElseThrow().getSimple());

        SqlCreateUser plain = assertInstanceOf(
                SqlCreateUser.class, VeilParser.parse("create user if not exists carol password 'it''s'"));
        assertEquals("it's", plain.password());
        assertTrue(plain.role().isEmpty());
        assertTrue(plain.ifNotExists());
    }

    @Test
    void createUserNeverPrintsThePassword() {
        SqlCreateUser user = assertInstanceOf(
                SqlCreateUser.class, VeilParser.parse("CREATE USER bob PASSWORD 'S3cret!' ROLE analyst"));
        assertEquals("CREATE USER \"bob\" PASSWORD '***' ROLE \"analyst\"", unparse(user));
        assertFalse(user.toString().contains("S3cret"), user.toString());
        assertFalse(user.getOperandList().toString().contains("S3cret"));

        SqlCreateUser reparsed = assertInstanceOf(SqlCreateUser.class, VeilParser.parse(VeilParser.unparse(user)));
        assertEquals("***", reparsed.password());
        assertEquals(user.name().names, reparsed.name().names);
        assertEquals(unparse(user), unparse(reparsed));
    }

    @Test
    void passwordTakesPartInEqualityAndSurvivesClone() {
        SqlNode a = VeilParser.parse("CREATE USER bob PASSWORD 'one'");
        SqlNode b = VeilParser.parse("CREATE USER bob PASSWORD 'two'");
        assertFalse(a.equalsDeep(b, Litmus.IGNORE));
        assertTrue(a.equalsDeep(VeilParser.parse("CREATE USER bob PASSWORD 'one'"), Litmus.IGNORE));
        SqlCreateUser copy = assertInstanceOf(SqlCreateUser.class, a.clone(SqlParserPos.ZERO));
        assertEquals("one", copy.password());
        SqlCreateUser user = (SqlCreateUser) a;
        assertThrows(
                UnsupportedOperationException.class,
                () -> user.getOperator().createCall(SqlParserPos.ZERO, user.getOperandList()));
    }

    @Test
    void alterUserPasswordParsesAndHidesThePassword() {
        SqlAlterUserPassword alter =
                assertInstanceOf(SqlAlterUserPassword.class, VeilParser.parse("ALTER USER bob PASSWORD 'n3w'"));
        assertEquals("bob", alter.user().orElseThrow().getSimple());
        assertEquals("n3w", alter.password());
        assertEquals("ALTER USER \"bob\" PASSWORD '***'", unparse(alter));
        assertFalse(alter.toString().contains("n3w"));
        assertEquals(
                "n3w",
                assertInstanceOf(SqlAlterUserPassword.class, alter.clone(SqlParserPos.ZERO))
                        .password());
        assertFalse(alter.equalsDeep(VeilParser.parse("ALTER USER bob PASSWORD 'other'"), Litmus.IGNORE));
    }

    @Test
    void misplacedPasswordIsNotRepeatedInTheSyntaxError() {
        String message = syntaxError("CREATE USER bob 'S3cret!' ROLE analyst");
        assertFalse(message.contains("S3cret"), message);
        assertTrue(message.contains("line 1, column 17"), message);
        String unterminated = syntaxError("ALTER USER bob PASSWORD 'S3cret!");
        assertFalse(unterminated.contains("S3cret"), unterminated);
    }

    @Test
    void grantRoleParsesRoleAndUser() {
        SqlGrantRole grant = parseAs(SqlGrantRole.class, "GRANT ROLE auditor TO USER bob");
        assertEquals("auditor", grant.role().getSimple());
        assertEquals("bob", grant.user().getSimple());
        syntaxError("GRANT ROLE auditor TO bob");
    }

    @Test
    void dropUserAndRoleParseNames() {
        SqlDropObject user = parseAs(SqlDropObject.class, "DROP USER bob");
        assertEquals("bob", user.name().getSimple());
        assertFalse(user.ifExists());
        assertEquals(SqlDropObject.Target.USER, user.target());
        assertTrue(parseAs(SqlDropObject.class, "DROP USER IF EXISTS bob").ifExists());
        SqlDropObject role = parseAs(SqlDropObject.class, "drop role Auditor");
        assertEquals("auditor", role.name().getSimple());
        assertEquals(SqlDropObject.Target.ROLE, role.target());
        assertTrue(parseAs(SqlDropObject.class, "DROP ROLE IF EXISTS auditor").ifExists());
    }

    @Test
    void budgetIsAssignedToUserOrRole() {
        SqlSetPrivacyBudget user = parseAs(SqlSetPrivacyBudget.class, "ALTER USER bob SET PRIVACY BUDGET daily_small");
        assertSame(PrincipalKind.USER, user.principalKind());
        assertEquals("bob", user.principal().getSimple());
        assertEquals("daily_small", user.budget().getSimple());

        SqlSetPrivacyBudget role = parseAs(SqlSetPrivacyBudget.class, "alter role analyst set privacy budget b");
        assertSame(PrincipalKind.ROLE, role.principalKind());
        assertEquals("analyst", role.principal().getSimple());
        assertEquals("ALTER ROLE \"analyst\" SET PRIVACY BUDGET \"b\"", unparse(role));
    }

    @Test
    void orReplaceIsRejectedForPrincipals() {
        assertTrue(syntaxError("CREATE OR REPLACE USER bob PASSWORD 'x'").contains("CREATE OR REPLACE USER"));
        assertTrue(syntaxError("CREATE OR REPLACE ROLE r").contains("CREATE OR REPLACE ROLE"));
    }
}
