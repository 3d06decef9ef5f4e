package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;

/** The state one rewrite shares between its steps: who the principal is, the tables, the log. */
final class RewriteContext {
    private final Principal principal;
    private final RelOptCluster cluster;
    private final MaskKey maskKey;
    private final CatalogTables tables = new CatalogTables();
    private final UnitPaths unitPaths = new UnitPaths(tables);
    private final RewriteLog log = new RewriteLog();
    private final Map<RelNode, TableName> rowFilters = new IdentityHashMap<>();

    private final RowFilterCache rowFilterCache;
    private ScanRules scanRules = ScanRules.NONE;
    private Map<TableName, Set<String>> columnUse = Map.of();
    private DpQueryOptions dpOptions = DpQueryOptions.NONE;
    private int groupBoundsRead;

    RewriteContext(Principal principal, RelOptCluster cluster, MaskKey maskKey, RowFilterCache rowFilterCache) {
        this.principal = requireNonNull(principal, "principal is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.maskKey = requireNonNull(maskKey, "maskKey is null");
        this.rowFilterCache = requireNonNull(rowFilterCache, "rowFilterCache is null");
    }

    /** Sets the statement's consent and retention rules and the columns it reads ({@link ColumnUse}). */
    void scanRules(ScanRules rules, Map<TableName, Set<String>> columnUse) {
        this.scanRules = requireNonNull(rules, "rules is null");
        this.columnUse = Map.copyOf(requireNonNull(columnUse, "columnUse is null"));
    }

    /** Sets the options of the statement's {@code SELECT WITH DIFFERENTIAL_PRIVACY}. */
    void dpOptions(DpQueryOptions options) {
        this.dpOptions = requireNonNull(options, "options is null");
    }

    DpQueryOptions dpOptions() {
        return dpOptions;
    }

    /** Notes that a DP aggregate read a {@link GroupBounds} mark. */
    void readGroupBounds() {
        groupBoundsRead++;
    }

    int groupBoundsRead() {
        return groupBoundsRead;
    }

    ScanRules scanRules() {
        return scanRules;
    }

    /** The columns the statement reads, by table, computed on the plan before the rewrite. */
    Map<TableName, Set<String>> columnUse() {
        return columnUse;
    }

    RowFilterCache rowFilterCache() {
        return rowFilterCache;
    }

    Principal principal() {
        return principal;
    }

    RelOptCluster cluster() {
        return cluster;
    }

    RexBuilder rexBuilder() {
        return cluster.getRexBuilder();
    }

    RelDataTypeFactory typeFactory() {
        return cluster.getTypeFactory();
    }

    MaskKey maskKey() {
        return maskKey;
    }

    CatalogTables tables() {
        return tables;
    }

    UnitPaths unitPaths() {
        return unitPaths;
    }

    RewriteLog log() {
        return log;
    }

    /** Remembers a Filter that applies a row filter, so EXPLAIN PRIVACY can hide its predicate. */
    void markRowFilter(RelNode filter, TableName table) {
        rowFilters.put(filter, table);
    }

    /** The Filters that apply row filters, with their tables. */
    Map<RelNode, TableName> rowFilters() {
        return rowFilters;
    }
}
