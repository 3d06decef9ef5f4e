package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.StatementKind;
import dev.veil.sql.ast.PrincipalKind;
import dev.veil.sql.ast.SqlAlterRoleSetting;
import dev.veil.sql.ast.SqlAlterSchemaAccess;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCancelStatement;
import dev.veil.sql.ast.SqlConsentRequired;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCopyTo;
import dev.veil.sql.ast.SqlCreateConnection;
import dev.veil.sql.ast.SqlCreateForeignTable;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import dev.veil.sql.ast.SqlCreatePurpose;
import dev.veil.sql.ast.SqlCreateRole;
import dev.veil.sql.ast.SqlCreateSchema;
import dev.veil.sql.ast.SqlCreateTable;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlCreateView;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlDropPrivacyBudget;
import dev.veil.sql.ast.SqlDropPurpose;
import dev.veil.sql.ast.SqlDropTablePolicy;
import dev.veil.sql.ast.SqlEraseUnit;
import dev.veil.sql.ast.SqlExplainPrivacy;
import dev.veil.sql.ast.SqlExportUnit;
import dev.veil.sql.ast.SqlGrantPurpose;
import dev.veil.sql.ast.SqlGrantRole;
import dev.veil.sql.ast.SqlGrantSchema;
import dev.veil.sql.ast.SqlGrantSelect;
import dev.veil.sql.ast.SqlImportForeignSchema;
import dev.veil.sql.ast.SqlPolicyFile;
import dev.veil.sql.ast.SqlRefreshForeignTable;
import dev.veil.sql.ast.SqlSetColumnCategory;
import dev.veil.sql.ast.SqlSetColumnDomain;
import dev.veil.sql.ast.SqlSetColumnPolicy;
import dev.veil.sql.ast.SqlSetConsentSource;
import dev.veil.sql.ast.SqlSetDefaultPurpose;
import dev.veil.sql.ast.SqlSetDifferentialPrivacy;
import dev.veil.sql.ast.SqlSetEpsilon;
import dev.veil.sql.ast.SqlSetMinGroupSize;
import dev.veil.sql.ast.SqlSetPrivacyBudget;
import dev.veil.sql.ast.SqlSetPrivacyUnit;
import dev.veil.sql.ast.SqlSetPurpose;
import dev.veil.sql.ast.SqlSetRetention;
import dev.veil.sql.ast.SqlSetRowFilter;
import dev.veil.sql.ast.SqlSetSchema;
import dev.veil.sql.ast.SqlShowCatalog;
import dev.veil.sql.ast.SqlShowPolicies;
import dev.veil.sql.ast.SqlVacuum;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Deny by default: the one table from a statement's kind (its AST node class) to the privilege
 * it needs, the executor that runs it and the kind the audit files it under. A statement runs only through its entry, after the
 * entry's privilege is checked; a kind without an entry is refused with NOT_SUPPORTED, whoever
 * runs it. Queries ({@link SqlKind#QUERY}: SELECT, set operations, VALUES, WITH, ORDER BY) share
 * one entry, open to every user: the privacy rewrite governs what they release.
 */
public final class StatementRegistry {
    /**
     * The statement of one kind: its name in errors, the privilege it needs, its executor, and
     * its kind in the audit.
     */
    private record Entry<N extends SqlNode>(
            Class<N> kind,
            Function<N, String> name,
            Function<N, Privilege> privilege,
            BiFunction<N, StatementContext, ? extends StatementResult> executor,
            Function<N, StatementKind> audit) {
        Entry {
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
            requireNonNull(privilege, "privilege is null");
            requireNonNull(executor, "executor is null");
            requireNonNull(audit, "audit is null");
        }

        Entry(
                Class<N> kind,
                Function<N, String> name,
                Function<N, Privilege> privilege,
                BiFunction<N, StatementContext, ? extends StatementResult> executor,
                StatementKind audit) {
            this(kind, name, privilege, executor, n -> audit);
        }

        StatementResult run(SqlNode node, StatementContext context) {
            N statement = kind.cast(node);
            check(privilege.apply(statement), name.apply(statement), context);
            return executor.apply(statement, context);
        }
    }

    private static final Map<Class<? extends SqlNode>, Entry<?>> ENTRIES = new LinkedHashMap<>();

    private static final Entry<SqlNode> QUERY = new Entry<>(
            SqlNode.class,
            n -> "SELECT",
            n -> Privilege.ANY_USER,
            (n, context) -> PlannedQuery.planCached(n, context).run(context),
            StatementKind.QUERY);

    static {
        principal(SqlCreateRole.class, "CREATE ROLE", CreateRoleStatement::execute);
        principal(SqlCreateUser.class, "CREATE USER", CreateUserStatement::execute);
        principal(SqlGrantRole.class, "GRANT ROLE", GrantRoleStatement::execute);
        // ALTER USER CURRENT_USER PASSWORD: every user, for their own password.
        add(new Entry<>(
                SqlAlterUserPassword.class,
                n -> "ALTER USER",
                n -> n.user().isEmpty() ? Privilege.ANY_USER : Privilege.ADMIN,
                AlterUserPasswordStatement::execute,
                StatementKind.PRINCIPAL_CHANGE));
        principal(SqlAlterRoleSetting.class, "ALTER ROLE ... SET", AlterRoleSettingStatement::execute);
        policy(SqlCreatePrivacyBudget.class, "CREATE PRIVACY BUDGET", CreatePrivacyBudgetStatement::execute);
        add(new Entry<>(
                SqlSetPrivacyBudget.class,
                n -> n.principalKind() == PrincipalKind.ROLE
                        ? "ALTER ROLE ... SET PRIVACY BUDGET"
                        : "ALTER USER ... SET PRIVACY BUDGET",
                n -> Privilege.ADMIN,
                SetPrivacyBudgetStatement::execute,
                StatementKind.POLICY_CHANGE));

        anyUser(SqlCreateSchema.class, "CREATE SCHEMA", CreateSchemaStatement::execute);
        // Dropping is for admins: a dropped protected table takes its data and its policies with it.
        // A user drops the tables they own (DropTableStatement checks the owner).
        add(new Entry<SqlDropObject>(
                SqlDropObject.class,
                n -> n.target().sql(),
                n -> n.target() == SqlDropObject.Target.TABLE || n.target() == SqlDropObject.Target.VIEW
                        ? Privilege.OWNER_OR_ADMIN
                        : Privilege.ADMIN,
                (n, context) -> switch (n.target()) {
                    case SCHEMA -> DropSchemaStatement.execute(n, context);
                    case TABLE -> DropTableStatement.execute(n, context);
                    case VIEW -> DropViewStatement.execute(n, context);
                    case ROLE -> DropRoleStatement.execute(n, context);
                    case USER -> DropUserStatement.execute(n, context);
                    case CONNECTION -> ForeignTableStatements.dropConnection(n, context);
                },
                n -> switch (n.target()) {
                    case SCHEMA, TABLE, VIEW, CONNECTION -> StatementKind.STATEMENT;
                    case ROLE, USER -> StatementKind.PRINCIPAL_CHANGE;
                }));
        admin(SqlCreateConnection.class, "CREATE CONNECTION", ForeignTableStatements::createConnection);
        admin(SqlCreateForeignTable.class, "CREATE FOREIGN TABLE", ForeignTableStatements::createForeignTable);
        admin(SqlImportForeignSchema.class, "IMPORT FOREIGN SCHEMA", ForeignTableStatements::importForeignSchema);
        admin(SqlRefreshForeignTable.class, "REFRESH FOREIGN TABLE", ForeignTableStatements::refreshForeignTable);
        // The owner of a user's table, or an admin, lets others see it (GrantSelectStatement checks the owner).
        add(new Entry<>(
                SqlGrantSelect.class,
                n -> n.grant() ? "GRANT SELECT" : "REVOKE SELECT",
                n -> Privilege.OWNER_OR_ADMIN,
                GrantSelectStatement::execute,
                StatementKind.POLICY_CHANGE));
        // The owner of a schema, or an admin, grants SELECT or CREATE on it and restricts or opens it.
        add(new Entry<>(
                SqlGrantSchema.class,
                n -> (n.grant() ? "GRANT " : "REVOKE ") + n.privilege() + " ON SCHEMA",
                n -> Privilege.OWNER_OR_ADMIN,
                GrantSchemaStatement::execute,
                StatementKind.POLICY_CHANGE));
        add(new Entry<>(
                SqlAlterSchemaAccess.class,
                n -> "ALTER SCHEMA ... SET ACCESS",
                n -> Privilege.OWNER_OR_ADMIN,
                GrantSchemaStatement::alter,
                StatementKind.POLICY_CHANGE));
        // A view is stored SQL expanded as its querying user: it never widens access.
        anyUser(SqlCreateView.class, "CREATE VIEW", CreateViewStatement::execute);
        // CREATE TABLE ... AS holds only what the query released to its user.
        anyUser(SqlCreateTable.class, "CREATE TABLE", CreateTableStatement::execute);
        // Loading is for admins: COPY reads any file the server process can read.
        admin(SqlCopy.class, "COPY", CopyStatement::execute);
        // Writing files is for admins too: COPY ... TO writes where the server process may write.
        admin(SqlCopyTo.class, "COPY TO", CopyToStatement::execute);
        // Writing rows is for admins: an analyst could otherwise add fake privacy units to a small group
        // until it passes the minimum group size, then subtract them from the released aggregate.
        admin(SqlInsert.class, "INSERT", InsertStatement::execute);
        // Data-subject rights: a person's rows, unmasked, out of the warehouse or out of existence.
        admin(SqlExportUnit.class, "EXPORT PRIVACY UNIT", ExportUnitStatement::execute);
        admin(SqlEraseUnit.class, "ERASE PRIVACY UNIT", EraseUnitStatement::execute);
        admin(SqlVacuum.class, "VACUUM", VacuumStatement::execute);
        // Transparency for one person: which purposes and users read which categories of their data.
        add(new Entry<>(
                dev.veil.sql.ast.SqlReportDataUse.class,
                n -> "REPORT DATA USE",
                n -> Privilege.ADMIN,
                ReportDataUseStatement::execute,
                StatementKind.QUERY));

        policy(SqlSetPrivacyUnit.class, "SET PRIVACY UNIT", SetPrivacyUnitStatement::execute);
        policy(SqlSetMinGroupSize.class, "SET MIN GROUP SIZE", SetMinGroupSizeStatement::execute);
        policy(SqlSetColumnPolicy.class, "SET POLICY", SetColumnPolicyStatement::execute);
        policy(SqlSetColumnDomain.class, "SET DOMAIN", SetColumnDomainStatement::execute);
        policy(SqlSetRowFilter.class, "SET ROW FILTER", SetRowFilterStatement::execute);
        add(new Entry<>(
                SqlDropTablePolicy.class,
                n -> "DROP " + n.policy().sql(),
                n -> Privilege.ADMIN,
                (n, context) -> switch (n.policy()) {
                    case ROW_FILTER -> DropRowFilterStatement.execute(n, context);
                    case DIFFERENTIAL_PRIVACY -> DropDifferentialPrivacyStatement.execute(n, context);
                    case PRIVACY_UNIT -> DropPrivacyUnitStatement.execute(n, context);
                    case MIN_GROUP_SIZE -> DropMinGroupSizeStatement.execute(n, context);
                },
                StatementKind.POLICY_CHANGE));
        policy(SqlSetDifferentialPrivacy.class, "SET DIFFERENTIAL PRIVACY", SetDifferentialPrivacyStatement::execute);
        // Every user: each sees the policies that apply to them, as in veil.policies (predicates for admins only).
        add(new Entry<>(
                SqlShowPolicies.class,
                n -> "SHOW POLICIES",
                n -> Privilege.ANY_USER,
                ShowPoliciesStatement::execute,
                StatementKind.QUERY));
        // Every user: queries of information_schema, which shows each user only what they may see.
        add(new Entry<>(
                SqlShowCatalog.class,
                n -> n.target().sql(),
                n -> Privilege.ANY_USER,
                ShowCatalogStatement::execute,
                StatementKind.QUERY));
        add(new Entry<>(
                SqlDescribeTable.class,
                n -> "DESCRIBE",
                n -> Privilege.ANY_USER,
                ShowCatalogStatement::describe,
                StatementKind.QUERY));
        // Admins: a served warehouse's policy file, out and in (veil policy export|apply --url).
        add(new Entry<>(
                SqlPolicyFile.class,
                n -> n.isApply() ? "APPLY POLICIES" : "EXPORT POLICIES",
                n -> Privilege.ADMIN,
                PolicyFileStatement::execute,
                n -> n.isApply() ? StatementKind.POLICY_CHANGE : StatementKind.QUERY));
        policy(SqlDropPrivacyBudget.class, "DROP PRIVACY BUDGET", DropPrivacyBudgetStatement::execute);

        // Purposes, categories, consent and retention (#19).
        policy(SqlCreatePurpose.class, "CREATE PURPOSE", PurposeStatements::create);
        policy(SqlDropPurpose.class, "DROP PURPOSE", PurposeStatements::drop);
        add(new Entry<>(
                SqlGrantPurpose.class,
                n -> n.grant() ? "GRANT PURPOSE" : "REVOKE PURPOSE",
                n -> Privilege.ADMIN,
                PurposeStatements::grant,
                StatementKind.POLICY_CHANGE));
        policy(SqlSetDefaultPurpose.class, "SET PURPOSE", PurposeStatements::setDefault);
        add(new Entry<>(
                SqlSetPurpose.class,
                n -> n.isShow() ? "SHOW PURPOSE" : "SET PURPOSE",
                n -> Privilege.ANY_USER,
                PurposeStatements::session,
                n -> n.isShow() ? StatementKind.QUERY : StatementKind.STATEMENT));
        policy(SqlSetColumnCategory.class, "SET CATEGORY", ConsentPolicyStatements::category);
        add(new Entry<>(
                SqlSetConsentSource.class,
                n -> n.isDrop() ? "DROP CONSENT SOURCE" : "SET CONSENT SOURCE",
                n -> Privilege.ADMIN,
                ConsentPolicyStatements::source,
                StatementKind.POLICY_CHANGE));
        add(new Entry<>(
                SqlConsentRequired.class,
                n -> n.required() ? "SET CONSENT REQUIRED" : "DROP CONSENT REQUIRED",
                n -> Privilege.ADMIN,
                ConsentPolicyStatements::required,
                StatementKind.POLICY_CHANGE));
        add(new Entry<>(
                SqlSetRetention.class,
                n -> n.days() == null ? "DROP RETENTION" : "SET RETENTION",
                n -> Privilege.ADMIN,
                ConsentPolicyStatements::retention,
                StatementKind.POLICY_CHANGE));

        anyUser(SqlSetEpsilon.class, "SET EPSILON", SetEpsilonStatement::execute);
        anyUser(SqlSetSchema.class, "SET SCHEMA", SetSchemaStatement::execute);
        add(new Entry<>(
                SqlCancelStatement.class,
                n -> "CANCEL STATEMENT",
                n -> Privilege.OWNER_OR_ADMIN,
                CancelStatementStatement::execute,
                StatementKind.STATEMENT));
        add(new Entry<>(
                SqlExplainPrivacy.class,
                n -> "EXPLAIN PRIVACY",
                n -> Privilege.ANY_USER,
                ExplainPrivacyStatement::execute,
                StatementKind.QUERY));
        add(new Entry<>(
                SqlExplain.class,
                n -> "EXPLAIN",
                n -> Privilege.ANY_USER,
                ExplainStatement::execute,
                StatementKind.QUERY));
    }

    private StatementRegistry() {}

    /** Runs {@code node} through its entry: checks the privilege, then executes it. */
    public static StatementResult execute(SqlNode node, StatementContext context) {
        requireNonNull(node, "node is null");
        requireNonNull(context, "context is null");
        return entry(node)
                .orElseThrow(() ->
                        new VeilException(ErrorCode.NOT_SUPPORTED, "Statement " + node.getKind() + " is not supported"))
                .run(node, context);
    }

    /** The privilege {@code node} needs; empty when no entry runs it (it is refused). */
    public static Optional<Privilege> privilege(SqlNode node) {
        return entry(node).map(e -> privilegeOf(e, node));
    }

    /**
     * The kind the audit files {@code node} under: its entry's, or {@link StatementKind#STATEMENT}
     * for a statement no entry runs (it is refused).
     */
    public static StatementKind auditKind(SqlNode node) {
        requireNonNull(node, "node is null");
        return entry(node).map(e -> auditKindOf(e, node)).orElse(StatementKind.STATEMENT);
    }

    /** The statement classes with an entry of their own (queries are matched by their kind). */
    public static Set<Class<? extends SqlNode>> kinds() {
        return Set.copyOf(ENTRIES.keySet());
    }

    private static <N extends SqlNode> StatementKind auditKindOf(Entry<N> entry, SqlNode node) {
        return entry.audit().apply(entry.kind().cast(node));
    }

    private static <N extends SqlNode> Privilege privilegeOf(Entry<N> entry, SqlNode node) {
        return entry.privilege().apply(entry.kind().cast(node));
    }

    private static Optional<Entry<?>> entry(SqlNode node) {
        Entry<?> entry = ENTRIES.get(node.getClass());
        if (entry != null) {
            return Optional.of(entry);
        }
        return node.isA(SqlKind.QUERY) ? Optional.of(QUERY) : Optional.empty();
    }

    private static void check(Privilege privilege, String statement, StatementContext context) {
        if (privilege == Privilege.ADMIN) {
            AdminOnly.require(context, statement);
        }
    }

    /** An admin's statement filed in the audit as {@link StatementKind#STATEMENT}. */
    private static <N extends SqlNode> void admin(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ADMIN, executor, StatementKind.STATEMENT));
    }

    /** An admin's change of policies. */
    private static <N extends SqlNode> void policy(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ADMIN, executor, StatementKind.POLICY_CHANGE));
    }

    /** An admin's change of users, roles or grants. */
    private static <N extends SqlNode> void principal(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ADMIN, executor, StatementKind.PRINCIPAL_CHANGE));
    }

    /** Every user's statement filed in the audit as {@link StatementKind#STATEMENT}. */
    private static <N extends SqlNode> void anyUser(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ANY_USER, executor, StatementKind.STATEMENT));
    }

    private static void add(Entry<?> entry) {
        if (ENTRIES.put(entry.kind(), entry) != null) {
            throw new IllegalStateException("Two entries for " + entry.kind().getSimpleName());
        }
    }
}
