package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.RemoteKind;
import dev.veil.storage.RemoteDatabase;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;

/**
 * The calling convention of the operators one remote database runs: one per remote database, so
 * that only operators over the same remote are combined into one remote statement. Its rules are
 * Calcite's JDBC rules for sorts and unions (never modifications or values), Veil's rules for
 * projections, filters, joins and aggregations (which push only what the remote evaluates as Veil
 * does, without failing where Veil does not: {@link RemoteExpressions}, {@link
 * RemoteAggregateRule}), and Veil's own
 * converter back to the enumerable convention.
 */
public final class RemoteConvention extends JdbcConvention {
    private static final Map<RemoteDatabase, RemoteConvention> CONVENTIONS =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final RemoteDatabase database;
    private final List<RelOptRule> rules;

    private RemoteConvention(RemoteDatabase database) {
        super(
                dialect(database.kind()),
                Expressions.constant(database.definition().name()),
                "REMOTE_" + database.definition().name() + "_"
                        + Integer.toHexString(System.identityHashCode(database)));
        this.database = database;
        this.rules = List.of(
                RemoteFilterRule.create(this),
                RemoteProjectRule.create(this),
                RemoteJoinRule.create(this),
                RemoteAggregateRule.create(this),
                JdbcRules.JdbcSortRule.create(this),
                JdbcRules.JdbcUnionRule.create(this),
                RemoteToEnumerableRule.create(this));
    }

    /** The convention of a remote database's operators (the same object for the same database). */
    public static RemoteConvention of(RemoteDatabase database) {
        requireNonNull(database, "database is null");
        return CONVENTIONS.computeIfAbsent(database, RemoteConvention::new);
    }

    /** The SQL dialect of a kind of remote database. */
    static SqlDialect dialect(RemoteKind kind) {
        return switch (kind) {
            case POSTGRESQL -> PostgresqlSqlDialect.DEFAULT;
            case TRINO -> TrinoSqlDialect.DEFAULT;
        };
    }

    /** The remote database. */
    public RemoteDatabase database() {
        return database;
    }

    /** The rules that push operators to this remote and bring their rows back. */
    public List<RelOptRule> rules() {
        return rules;
    }

    @Override
    public void register(RelOptPlanner planner) {
        rules.forEach(planner::addRule);
    }
}
