package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.RemoteKind;
import dev.veil.storage.RemoteDatabase;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A physical leaf that runs one SQL statement in a remote database and yields its rows in Veil's
 * value representation. EXPLAIN shows the connection and the statement.
 */
public final class EnumerableRemoteQuery extends AbstractRelNode implements EnumerableRel {
    private final RemoteDatabase database;
    private final String sql;
    private final double rowCount;
    private final int keyUses;
    private final List<RemoteParameterCall> parameters;
    private final boolean oneStepAggregation;

    EnumerableRemoteQuery(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelDataType rowType,
            RemoteDatabase database,
            String sql,
            double rowCount,
            int keyUses,
            List<RemoteParameterCall> parameters) {
        this(cluster, traits, rowType, database, sql, rowCount, keyUses, parameters, false);
    }

    private EnumerableRemoteQuery(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelDataType rowType,
            RemoteDatabase database,
            String sql,
            double rowCount,
            int keyUses,
            List<RemoteParameterCall> parameters,
            boolean oneStepAggregation) {
        super(cluster, traits);
        this.rowType = requireNonNull(rowType, "rowType is null");
        this.database = requireNonNull(database, "database is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.rowCount = rowCount;
        if (keyUses < 0) {
            throw new IllegalArgumentException("keyUses must be >= 0, was " + keyUses);
        }
        this.keyUses = keyUses;
        this.parameters = List.copyOf(parameters);
        this.oneStepAggregation = oneStepAggregation;
    }

    /**
     * The same rows from another statement, whose first {@code keyUses} parameters are each bound to
     * a per-execution key and the ones after them, in order, by this query's {@link #parameters}
     * (the new statement holds this one's text after all of its key parameters).
     */
    EnumerableRemoteQuery withSql(String newSql, int newKeyUses) {
        return new EnumerableRemoteQuery(
                getCluster(), getTraitSet(), getRowType(), database, newSql, rowCount, newKeyUses, parameters);
    }

    /** Other rows, of {@code newRowType}, from another statement with {@code newKeyUses} key parameters first. */
    EnumerableRemoteQuery withSql(String newSql, int newKeyUses, RelDataType newRowType) {
        return new EnumerableRemoteQuery(
                getCluster(), getTraitSet(), newRowType, database, newSql, rowCount, newKeyUses, parameters);
    }

    /**
     * The same statement, run by Trino with each aggregation in one step
     * ({@link RemoteRows.Spec#oneStepAggregation}).
     */
    EnumerableRemoteQuery withOneStepAggregation() {
        if (database.kind() != RemoteKind.TRINO) {
            throw new IllegalStateException("one-step aggregation is a Trino session setting");
        }
        return new EnumerableRemoteQuery(
                getCluster(), getTraitSet(), getRowType(), database, sql, rowCount, keyUses, parameters, true);
    }

    /** Whether Trino runs the statement's aggregations in one step, without partial aggregations. */
    public boolean oneStepAggregation() {
        return oneStepAggregation;
    }

    /** The conditions that bind the statement's parameters after the key's, in order. */
    List<RemoteParameterCall> parameters() {
        return parameters;
    }

    /** How many parameters of the statement are the per-execution key of a keyed hash (0: none). */
    public int keyUses() {
        return keyUses;
    }

    /** The kind of remote database. */
    public RemoteKind kind() {
        return database.kind();
    }

    /** The statement the remote runs. */
    public String sql() {
        return sql;
    }

    /** The name of the connection it runs through. */
    public String connection() {
        return database.definition().name();
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return rowCount;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        // The key is drawn when the statement runs: the plan and EXPLAIN hold only its '?'.
        return super.explainTerms(pw)
                .item("connection", connection())
                .item("sql", sql)
                .itemIf("key", "a fresh random key per execution", keyUses > 0)
                .itemIf("session", RemoteRows.ONE_STEP_AGGREGATION, oneStepAggregation)
                .itemIf(
                        "parameters",
                        parameters.stream()
                                .map(RemoteParameterCall::describeParameter)
                                .toList(),
                        !parameters.isEmpty());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
        boolean scalar = physType.getFormat() == JavaRowFormat.SCALAR;
        RemoteRows.Spec spec = new RemoteRows.Spec(
                database, sql, RemoteRows.readers(getRowType()), scalar, keyUses, parameters, oneStepAggregation);
        Expression specExpression = implementor.stash(spec, RemoteRows.Spec.class);
        return implementor.result(
                physType,
                Blocks.toBlock(
                        Expressions.call(RemoteRows.class, "rows", specExpression, implementor.getRootExpression())));
    }
}
