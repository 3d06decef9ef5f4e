package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code EXPLAIN PLAN FOR query}: one row per operator of the physical plan; reads no data.
 * For admins, a last row gives the plan cache's counters and whether this query's plan is cached.
 */
final class ExplainStatement {
    private ExplainStatement() {}

    static RowsResult execute(SqlExplain node, StatementContext context) {
        SqlNode explicandum = node.getExplicandum();
        if (!explicandum.isA(SqlKind.QUERY)) {
            throw new VeilException(ErrorCode.NOT_SUPPORTED, "EXPLAIN supports queries only");
        }
        boolean cached = PlannedQuery.isCached(explicandum, context);
        PlannedQuery query = PlannedQuery.plan(explicandum, context);
        if (query.rewrite().restricted()) {
            // The physical plan shows policy internals, such as row filter predicates.
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "EXPLAIN PLAN of a query over tables restricted for user '" + context.user()
                            + "' would show their policies' internals; use EXPLAIN PRIVACY");
        }
        RelDataType varchar = query.typeFactory().createSqlType(SqlTypeName.VARCHAR);
        List<Object[]> rows = new ArrayList<>(
                query.explain().lines().map(line -> new Object[] {line}).toList());
        if (context.principal().isAdmin()) {
            // Counters over every user's statements: for admins only.
            PlanCache.Stats stats = PlanCache.of(context.warehouse()).stats();
            rows.add(new Object[] {
                "Plan cache: this query's plan is " + (cached ? "cached" : "not cached") + "; hits " + stats.hits()
                        + ", misses " + stats.misses() + ", invalidations " + stats.invalidations() + ", evictions "
                        + stats.evictions() + ", entries " + stats.entries() + ", ~" + stats.bytes() / 1024 + " KiB"
            });
        }
        return new RowsResult(List.of(new ResultColumn("PLAN", varchar)), Linq4j.enumerator(rows));
    }
}
