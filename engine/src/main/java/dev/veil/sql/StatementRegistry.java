package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.sql.ast.PrincipalKind;
import dev.veil.sql.ast.SqlAlterRoleSetting;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCancelStatement;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import dev.veil.sql.ast.SqlCreateRole;
import dev.veil.sql.ast.SqlCreateSchema;
import dev.veil.sql.ast.SqlCreateTable;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlDropTablePolicy;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Deny by default: the one table from a statement's kind (its AST node class) to the privilege
 * it needs and the executor that runs it. A statement runs only through its entry, after the
 * entry's privilege is checked; a kind without an entry is refused with NOT_SUPPORTED, whoever
 * runs it. Queries ({@link SqlKind#QUERY}: SELECT, set operations, VALUES, WITH, ORDER BY) share
 * one entry, open to every user: the privacy rewrite governs what they release.
 */
public final class StatementRegistry {
    /** The statement of one kind: its name in errors, the privilege it needs, its executor. */
    private record Entry<N extends SqlNode>(
            Class<N> kind,
            Function<N, String> name,
            Function<N, Privilege> privilege,
            BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        Entry {
            requireNonNull(kind, "kind is null");
            requireNonNull(name, "name is null");
            requireNonNull(privilege, "privilege is null");
            requireNonNull(executor, "executor is null");
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
            (n, context) -> PlannedQuery.plan(n, context).run(context));

    static {
        admin(SqlCreateRole.class, "CREATE ROLE", CreateRoleStatement::execute);
        admin(SqlCreateUser.class, "CREATE USER", CreateUserStatement::execute);
        admin(SqlGrantRole.class, "GRANT ROLE", GrantRoleStatement::execute);
        // ALTER USER CURRENT_USER PASSWORD: every user, for their own password.
        add(new Entry<>(
                SqlAlterUserPassword.class,
                n -> "ALTER USER",
                n -> n.user().isEmpty() ? Privilege.ANY_USER : Privilege.ADMIN,
                AlterUserPasswordStatement::execute));
        admin(SqlAlterRoleSetting.class, "ALTER ROLE ... SET", AlterRoleSettingStatement::execute);
        admin(SqlCreatePrivacyBudget.class, "CREATE PRIVACY BUDGET", CreatePrivacyBudgetStatement::execute);
        add(new Entry<>(
                SqlSetPrivacyBudget.class,
                n -> n.principalKind() == PrincipalKind.ROLE
                        ? "ALTER ROLE ... SET PRIVACY BUDGET"
                        : "ALTER USER ... SET PRIVACY BUDGET",
                n -> Privilege.ADMIN,
                SetPrivacyBudgetStatement::execute));

        anyUser(SqlCreateSchema.class, "CREATE SCHEMA", CreateSchemaStatement::execute);
        // Dropping is for admins: a dropped protected table takes its data and its policies with it.
        add(new Entry<>(
                SqlDropObject.class, n -> n.target().sql(), n -> Privilege.ADMIN, (n, context) -> switch (n.target()) {
                    case SCHEMA -> DropSchemaStatement.execute(n, context);
                    case TABLE -> DropTableStatement.execute(n, context);
                    case ROLE -> DropRoleStatement.execute(n, context);
                    case USER -> DropUserStatement.execute(n, context);
                }));
        // CREATE TABLE ... AS holds only what the query released to its user.
        anyUser(SqlCreateTable.class, "CREATE TABLE", CreateTableStatement::execute);
        // Loading is for admins: COPY reads any file the server process can read.
        admin(SqlCopy.class, "COPY", CopyStatement::execute);
        // Writing rows is for admins: an analyst could otherwise add fake privacy units to a small group
        // until it passes the minimum group size, then subtract them from the released aggregate.
        admin(SqlInsert.class, "INSERT", InsertStatement::execute);

        admin(SqlSetPrivacyUnit.class, "SET PRIVACY UNIT", SetPrivacyUnitStatement::execute);
        admin(SqlSetMinGroupSize.class, "SET MIN GROUP SIZE", SetMinGroupSizeStatement::execute);
        admin(SqlSetColumnPolicy.class, "SET POLICY", SetColumnPolicyStatement::execute);
        admin(SqlSetColumnDomain.class, "SET DOMAIN", SetColumnDomainStatement::execute);
        admin(SqlSetRowFilter.class, "SET ROW FILTER", SetRowFilterStatement::execute);
        add(new Entry<>(
                SqlDropTablePolicy.class,
                n -> "DROP " + n.policy().sql(),
                n -> Privilege.ADMIN,
                (n, context) -> switch (n.policy()) {
                    case ROW_FILTER -> DropRowFilterStatement.execute(n, context);
                    case DIFFERENTIAL_PRIVACY -> DropDifferentialPrivacyStatement.execute(n, context);
                }));
        admin(SqlSetDifferentialPrivacy.class, "SET DIFFERENTIAL PRIVACY", SetDifferentialPrivacyStatement::execute);
        // Users who are not admins read veil.policies instead.
        admin(SqlShowPolicies.class, "SHOW POLICIES", ShowPoliciesStatement::execute);

        anyUser(SqlSetEpsilon.class, "SET EPSILON", SetEpsilonStatement::execute);
        add(new Entry<>(
                SqlCancelStatement.class,
                n -> "CANCEL STATEMENT",
                n -> Privilege.OWNER_OR_ADMIN,
                CancelStatementStatement::execute));
        anyUser(SqlExplainPrivacy.class, "EXPLAIN PRIVACY", ExplainPrivacyStatement::execute);
        anyUser(SqlExplain.class, "EXPLAIN", ExplainStatement::execute);
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

    /** The statement classes with an entry of their own (queries are matched by their kind). */
    public static Set<Class<? extends SqlNode>> kinds() {
        return Set.copyOf(ENTRIES.keySet());
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

    private static <N extends SqlNode> void admin(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ADMIN, executor));
    }

    private static <N extends SqlNode> void anyUser(
            Class<N> kind, String name, BiFunction<N, StatementContext, ? extends StatementResult> executor) {
        add(new Entry<>(kind, n -> name, n -> Privilege.ANY_USER, executor));
    }

    private static void add(Entry<?> entry) {
        if (ENTRIES.put(entry.kind(), entry) != null) {
            throw new IllegalStateException("Two entries for " + entry.kind().getSimpleName());
        }
    }
}
