package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A TPC-H table held in memory as {@code Object[]} rows, scanned whole by Calcite's enumerable
 * engine. Its statistic is its row count, the same statistic Veil's tables give the planner.
 */
final class InMemoryTable extends AbstractTable implements ScannableTable {
    private final String table;
    private final List<Object[]> rows;

    /** A table named {@code table} (a TPC-H table) holding {@code rows} as read by {@link CalciteRows}. */
    InMemoryTable(String table, List<Object[]> rows) {
        this.table = requireNonNull(table, "table is null");
        this.rows = Collections.unmodifiableList(requireNonNull(rows, "rows is null"));
    }

    /** The number of rows. */
    int size() {
        return rows.size();
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return CalciteRows.rowType(table, typeFactory);
    }

    @Override
    public Statistic getStatistic() {
        return Statistics.of(Math.max(1d, rows.size()), List.of());
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
        return Linq4j.asEnumerable(rows);
    }
}
