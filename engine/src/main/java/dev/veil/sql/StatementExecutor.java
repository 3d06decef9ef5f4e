package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.sql.ast.SqlAlterRoleSetting;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCancelStatement;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import dev.veil.sql.ast.SqlCreateRole;
import dev.veil.sql.ast.SqlCreateSchema;
import dev.veil.sql.ast.SqlCreateTable;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlDropDifferentialPrivacy;
import dev.veil.sql.ast.SqlDropRole;
import dev.veil.sql.ast.SqlDropSchema;
import dev.veil.sql.ast.SqlDropTable;
import dev.veil.sql.ast.SqlDropRowFilter;
import dev.veil.sql.ast.SqlDropUser;
import dev.veil.sql.ast.SqlExplainPrivacy;
import dev.veil.sql.ast.SqlGrantRole;
import dev.veil.sql.ast.SqlSetColumnDomain;
import dev.veil.sql.ast.SqlSetColumnPolicy;
import dev.veil.sql.ast.SqlSetDifferentialPrivacy;
import dev.veil.sql.ast.SqlSetEpsilon;
import dev.veil.sql.ast.SqlSetMinGroupSize;
import dev.veil.sql.ast.SqlSetPrivacyBudget;
import dev.veil.sql.ast.SqlSetPrivacyUnit;
import dev.veil.sql.ast.SqlSetRowFilter;
import dev.veil.sql.ast.SqlShowPolicies;
import dev.veil.sql.parser.VeilParser;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Runs one SQL statement: parses it and hands it to the executor of its kind. The single entry
 * point of the SQL layer, used by sessions.
 */
public final class StatementExecutor {
    private StatementExecutor() {
    }

    public static StatementResult execute(String sql, StatementContext context) {
        return execute(VeilParser.parse(sql), context);
    }

    public static StatementResult execute(SqlNode node, StatementContext context) {
        if (node instanceof SqlCreateSchema n) {
            return CreateSchemaStatement.execute(n, context);
        }
        if (node instanceof SqlDropSchema n) {
            return DropSchemaStatement.execute(n, context);
        }
        if (node instanceof SqlCreateTable n) {
            return CreateTableStatement.execute(n, context);
        }
        if (node instanceof SqlDropTable n) {
            return DropTableStatement.execute(n, context);
        }
        if (node instanceof SqlCreateRole n) {
            return CreateRoleStatement.execute(n, context);
        }
        if (node instanceof SqlDropRole n) {
            return DropRoleStatement.execute(n, context);
        }
        if (node instanceof SqlCreateUser n) {
            return CreateUserStatement.execute(n, context);
        }
        if (node instanceof SqlAlterUserPassword n) {
            return AlterUserPasswordStatement.execute(n, context);
        }
        if (node instanceof SqlGrantRole n) {
            return GrantRoleStatement.execute(n, context);
        }
        if (node instanceof SqlDropUser n) {
            return DropUserStatement.execute(n, context);
        }
        if (node instanceof SqlSetPrivacyUnit n) {
            return SetPrivacyUnitStatement.execute(n, context);
        }
        if (node instanceof SqlSetMinGroupSize n) {
            return SetMinGroupSizeStatement.execute(n, context);
        }
        if (node instanceof SqlSetColumnPolicy n) {
            return SetColumnPolicyStatement.execute(n, context);
        }
        if (node instanceof SqlSetColumnDomain n) {
            return SetColumnDomainStatement.execute(n, context);
        }
        if (node instanceof SqlSetRowFilter n) {
            return SetRowFilterStatement.execute(n, context);
        }
        if (node instanceof SqlDropRowFilter n) {
            return DropRowFilterStatement.execute(n, context);
        }
        if (node instanceof SqlSetDifferentialPrivacy n) {
            return SetDifferentialPrivacyStatement.execute(n, context);
        }
        if (node instanceof SqlDropDifferentialPrivacy n) {
            return DropDifferentialPrivacyStatement.execute(n, context);
        }
        if (node instanceof SqlCreatePrivacyBudget n) {
            return CreatePrivacyBudgetStatement.execute(n, context);
        }
        if (node instanceof SqlAlterRoleSetting n) {
            return AlterRoleSettingStatement.execute(n, context);
        }
        if (node instanceof SqlSetPrivacyBudget n) {
            return SetPrivacyBudgetStatement.execute(n, context);
        }
        if (node instanceof SqlCancelStatement n) {
            return CancelStatementStatement.execute(n, context);
        }
        if (node instanceof SqlShowPolicies n) {
            return ShowPoliciesStatement.execute(n, context);
        }
        if (node instanceof SqlCopy n) {
            return CopyStatement.execute(n, context);
        }
        if (node instanceof SqlInsert n) {
            return InsertStatement.execute(n, context);
        }
        if (node instanceof SqlSetEpsilon n) {
            return SetEpsilonStatement.execute(n, context);
        }
        if (node instanceof SqlExplainPrivacy n) {
            return ExplainPrivacyStatement.execute(n, context);
        }
        if (node instanceof SqlExplain n) {
            return ExplainStatement.execute(n, context);
        }
        if (node.isA(SqlKind.QUERY)) {
            return PlannedQuery.plan(node, context).run(context);
        }
        throw new VeilException(ErrorCode.NOT_SUPPORTED, "Statement " + node.getKind() + " is not supported");
    }
}
