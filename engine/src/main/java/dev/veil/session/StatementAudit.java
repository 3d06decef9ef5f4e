package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import dev.veil.audit.StatementText;
import dev.veil.sql.RowsResult;
import dev.veil.sql.StatementResult;
import dev.veil.sql.ast.SqlAlterRoleSetting;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import dev.veil.sql.ast.SqlCreateRole;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlDropDifferentialPrivacy;
import dev.veil.sql.ast.SqlDropRole;
import dev.veil.sql.ast.SqlDropRowFilter;
import dev.veil.sql.ast.SqlDropUser;
import dev.veil.sql.ast.SqlExplainPrivacy;
import dev.veil.sql.ast.SqlGrantRole;
import dev.veil.sql.ast.SqlSetColumnDomain;
import dev.veil.sql.ast.SqlSetColumnPolicy;
import dev.veil.sql.ast.SqlSetDifferentialPrivacy;
import dev.veil.sql.ast.SqlSetMinGroupSize;
import dev.veil.sql.ast.SqlSetPrivacyBudget;
import dev.veil.sql.ast.SqlSetPrivacyUnit;
import dev.veil.sql.ast.SqlSetRowFilter;
import dev.veil.sql.ast.SqlShowPolicies;
import dev.veil.sql.parser.VeilParser;
import dev.veil.storage.Warehouse;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Records one statement of a session in the audit log: parses it (so that the log can tell its
 * kind and never holds a password), then records how it ended. A query is recorded before its
 * first row leaves and completed with its row count when its result is done; if the entry cannot
 * be written, the rows do not leave.
 */
final class StatementAudit {
    private final AuditLog log;
    private final String user;
    private final String sql;
    private String text;
    private StatementKind kind = StatementKind.STATEMENT;

    StatementAudit(Warehouse warehouse, String user, String sql) {
        this.log = new AuditLog(requireNonNull(warehouse, "warehouse is null").sqliteCatalog());
        this.user = requireNonNull(user, "user is null");
        this.sql = requireNonNull(sql, "sql is null");
        // Until the text parses, it may hide a password in any string literal.
        this.text = StatementText.maskStringLiterals(sql.strip());
    }

    /** Parses the statement and notes the text and kind to record. */
    SqlNode parse() {
        SqlNode node = VeilParser.parse(sql);
        text = carriesPassword(node) ? VeilParser.unparse(node) : sql.strip();
        kind = kindOf(node);
        return node;
    }

    /** Records a statement that ran; a query's rows come back counted for its entry. */
    StatementResult succeeded(StatementResult result) {
        if (result instanceof RowsResult rows) {
            long entry;
            try {
                entry = log.begin(user, kind, text, rows.epsilon(), rows.delta());
            } catch (RuntimeException e) {
                rows.close();
                throw e;
            }
            return new RowsResult(rows.columns(), new AuditedRows(rows.rows(), log, entry), rows.epsilon(), rows.delta());
        }
        log.record(user, kind, text, Decision.ALLOWED, null);
        return result;
    }

    /** Records a statement that was rejected or failed, and gives back its error to throw. */
    VeilException failed(VeilException error) {
        try {
            log.record(user, kind, text, decision(error.errorCode()), error.clientMessage());
        } catch (RuntimeException e) {
            error.addSuppressed(e);
        }
        return error;
    }

    static Decision decision(ErrorCode code) {
        return switch (code) {
            case ACCESS_DENIED, POLICY_VIOLATION, BUDGET_EXHAUSTED -> Decision.REJECTED;
            default -> Decision.FAILED;
        };
    }

    private static boolean carriesPassword(SqlNode node) {
        return node instanceof SqlCreateUser || node instanceof SqlAlterUserPassword;
    }

    static StatementKind kindOf(SqlNode node) {
        if (node.isA(SqlKind.QUERY) || node instanceof SqlExplain || node instanceof SqlExplainPrivacy
                || node instanceof SqlShowPolicies) {
            return StatementKind.QUERY;
        }
        if (node instanceof SqlSetPrivacyUnit || node instanceof SqlSetMinGroupSize || node instanceof SqlSetColumnPolicy
                || node instanceof SqlSetColumnDomain || node instanceof SqlSetRowFilter || node instanceof SqlDropRowFilter
                || node instanceof SqlSetDifferentialPrivacy || node instanceof SqlDropDifferentialPrivacy
                || node instanceof SqlCreatePrivacyBudget || node instanceof SqlSetPrivacyBudget) {
            return StatementKind.POLICY_CHANGE;
        }
        if (node instanceof SqlCreateUser || node instanceof SqlAlterUserPassword || node instanceof SqlDropUser
                || node instanceof SqlCreateRole || node instanceof SqlDropRole || node instanceof SqlGrantRole
                || node instanceof SqlAlterRoleSetting) {
            return StatementKind.PRINCIPAL_CHANGE;
        }
        return StatementKind.STATEMENT;
    }
}
