package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import dev.veil.catalog.ForeignTableDef;
import dev.veil.schema.ForeignTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcRel;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.rel2sql.SqlImplementor;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The scan of a foreign table in its remote database: every column, read from the remote table.
 * Its table is named as the remote names it ({@code schema.table}, Trino:
 * {@code catalog.schema.table}), so the generated SQL reads the remote table.
 */
public final class RemoteScan extends TableScan implements JdbcRel {
    private final ForeignTable foreignTable;

    RemoteScan(RelOptCluster cluster, RelTraitSet traitSet, RelOptTable table, ForeignTable foreignTable) {
        super(cluster, traitSet, List.of(), table);
        this.foreignTable = requireNonNull(foreignTable, "foreignTable is null");
    }

    /** A scan of {@code veilTable} (a foreign table's table in Veil's plan) in {@code convention}. */
    static RemoteScan create(
            RelOptCluster cluster, RemoteConvention convention, RelOptTable veilTable, ForeignTable foreignTable) {
        RelOptTable remote = RelOptTableImpl.create(
                veilTable.getRelOptSchema(),
                veilTable.getRowType(),
                remoteNames(foreignTable.remote()),
                foreignTable,
                (Expression) null);
        return new RemoteScan(cluster, cluster.traitSetOf(convention), remote, foreignTable);
    }

    /** The remote's qualified name parts: a Trino schema {@code catalog.schema} is two parts. */
    static List<String> remoteNames(ForeignTableDef remote) {
        // A Trino catalog has no dot; its schema may (Trino's tpch.sf0.1).
        List<String> names = new ArrayList<>(Arrays.asList(remote.remoteSchema().split("\\.", 2)));
        names.add(remote.remoteTable());
        return names;
    }

    /** The foreign table scanned. */
    public ForeignTable foreignTable() {
        return foreignTable;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new RemoteScan(getCluster(), traitSet, table, foreignTable);
    }

    @Override
    public SqlImplementor.Result implement(JdbcImplementor implementor) {
        return implementor.result(
                new SqlIdentifier(remoteNames(foreignTable.remote()), SqlParserPos.ZERO),
                ImmutableList.of(SqlImplementor.Clause.FROM),
                this,
                null);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("connection", foreignTable.remote().connection());
    }
}
