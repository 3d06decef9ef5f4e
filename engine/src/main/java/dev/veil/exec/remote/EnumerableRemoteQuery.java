package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.storage.RemoteDatabase;
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

    EnumerableRemoteQuery(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelDataType rowType,
            RemoteDatabase database,
            String sql,
            double rowCount) {
        super(cluster, traits);
        this.rowType = requireNonNull(rowType, "rowType is null");
        this.database = requireNonNull(database, "database is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.rowCount = rowCount;
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
        return super.explainTerms(pw).item("connection", connection()).item("sql", sql);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
        boolean scalar = physType.getFormat() == JavaRowFormat.SCALAR;
        RemoteRows.Spec spec = new RemoteRows.Spec(database, sql, RemoteRows.readers(getRowType()), scalar);
        Expression specExpression = implementor.stash(spec, RemoteRows.Spec.class);
        return implementor.result(
                physType,
                Blocks.toBlock(
                        Expressions.call(RemoteRows.class, "rows", specExpression, implementor.getRootExpression())));
    }
}
