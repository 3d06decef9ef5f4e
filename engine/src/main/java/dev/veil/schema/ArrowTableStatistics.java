package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.storage.ColumnStatistics;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.util.CancelFlag;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Sarg;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The planner's estimates for scans of one {@link ArrowTable}, from the statistics of its columns
 * ({@link dev.veil.storage.Warehouse#columnStatistics}): how many distinct values a set of columns
 * has, and what fraction of rows a predicate keeps. Calcite asks a scan's table for these
 * through {@link ArrowTable#unwrap}; they steer join order and the choice of hash-join build
 * sides, never results.
 */
final class ArrowTableStatistics {
    /** Up to this many columns, the distinct count of a column set is measured rather than multiplied. */
    private static final int MAX_COMBINED_COLUMNS = 4;

    private final ArrowTable table;
    private boolean unavailable;

    ArrowTableStatistics(ArrowTable table) {
        this.table = requireNonNull(table, "table is null");
    }

    /** Rows in the table version. */
    double rowCount() {
        return Math.max(1d, table.version().rowCount());
    }

    private @Nullable ColumnStatistics column(int tableColumn, BooleanSupplier cancelled) {
        return statistics(cancelled, tableColumn);
    }

    /**
     * The statistics of the columns, or null if they cannot be read (a segment file is missing or
     * unreadable): estimates must never make planning fail, and the scan reports the problem if
     * the query runs. After one failure, this table's estimates fall back to guesses.
     */
    private @Nullable ColumnStatistics statistics(BooleanSupplier cancelled, int... tableColumns) {
        if (unavailable) {
            return null;
        }
        try {
            return table.warehouse().columnStatistics(table.definition(), table.version(), cancelled, tableColumns);
        } catch (VeilException e) {
            if (e.errorCode() == ErrorCode.QUERY_CANCELLED) {
                throw e;
            }
            unavailable = true;
            return null;
        }
    }

    /**
     * Distinct combinations of values of the given table columns among {@code rows} rows drawn
     * from the whole table: the product of the columns' distinct counts (NULL counting as a
     * value), at most the table's rows, then reduced for the fraction of rows kept assuming
     * every value is equally frequent.
     */
    double distinctCount(int[] tableColumns, double rows, BooleanSupplier cancelled) {
        double tableRows = rowCount();
        int[] columns = Arrays.stream(tableColumns).distinct().sorted().toArray();
        double distinct;
        if (columns.length > 1 && columns.length <= MAX_COMBINED_COLUMNS) {
            // Columns are often correlated (a composite key of two foreign keys), so their product
            // overestimates badly; count the combinations themselves.
            ColumnStatistics s = statistics(cancelled, columns);
            distinct = s == null ? tableRows : Math.max(1d, s.distinctCount() + (s.nullCount() > 0 ? 1 : 0));
        } else {
            distinct = 1;
            for (int c : columns) {
                ColumnStatistics s = column(c, cancelled);
                // Unknown: Calcite's habit of assuming about half the rows are distinct.
                distinct *= s == null
                        ? Math.max(1d, tableRows / 2)
                        : Math.max(1d, s.distinctCount() + (s.nullCount() > 0 ? 1 : 0));
            }
        }
        distinct = Math.min(distinct, tableRows);
        if (rows >= tableRows) {
            return distinct;
        }
        // Each value has tableRows / distinct rows; a value survives unless all of them are dropped.
        double kept = Math.max(0d, rows) / tableRows;
        double survives = 1 - Math.pow(1 - kept, tableRows / distinct);
        return Math.max(Math.min(1d, rows), distinct * survives);
    }

    /**
     * The fraction of rows for which {@code predicate} holds; its input references are mapped to
     * table columns by {@code tableColumn}. Equality with a literal keeps one value's share of the
     * rows, IS NULL the NULLs' share; other conjuncts get Calcite's guesses.
     */
    double selectivity(@Nullable RexNode predicate, IntUnaryOperator tableColumn, BooleanSupplier cancelled) {
        if (predicate == null) {
            return 1d;
        }
        double selectivity = 1d;
        for (RexNode conjunct : RelOptUtil.conjunctions(predicate)) {
            selectivity *= conjunctSelectivity(conjunct, tableColumn, cancelled);
        }
        return selectivity;
    }

    private double conjunctSelectivity(RexNode conjunct, IntUnaryOperator tableColumn, BooleanSupplier cancelled) {
        if (conjunct instanceof RexCall call) {
            List<RexNode> operands = call.getOperands();
            switch (call.getKind()) {
                case EQUALS -> {
                    int column = columnComparedToLiteral(operands, tableColumn);
                    if (column >= 0) {
                        ColumnStatistics s = column(column, cancelled);
                        if (s != null) {
                            return s.distinctCount() == 0 ? 0d : nonNullFraction(s) / s.distinctCount();
                        }
                    }
                }
                case SEARCH -> {
                    int column = columnOf(operands.get(0), tableColumn);
                    if (column >= 0 && operands.get(1) instanceof RexLiteral literal) {
                        Sarg<?> sarg = literal.getValueAs(Sarg.class);
                        if (sarg != null && sarg.isPoints()) {
                            ColumnStatistics s = column(column, cancelled);
                            if (s != null) {
                                return s.distinctCount() == 0
                                        ? 0d
                                        : Math.min(1d, sarg.pointCount * nonNullFraction(s) / s.distinctCount());
                            }
                        }
                    }
                }
                case IS_NULL -> {
                    int column = columnOf(operands.get(0), tableColumn);
                    if (column >= 0) {
                        ColumnStatistics s = column(column, cancelled);
                        if (s != null) {
                            return s.rowCount() == 0 ? 0d : (double) s.nullCount() / s.rowCount();
                        }
                    }
                }
                case LIKE -> {
                    Double like = likeSelectivity(call, tableColumn, cancelled);
                    if (like != null) {
                        return like;
                    }
                }
                default -> {}
            }
        }
        return RelMdUtil.guessSelectivity(conjunct);
    }

    /** The share of rows each fixed character of a LIKE pattern keeps (see {@link #likeSelectivity}). */
    private static final double LIKE_CHARACTER = 0.6;

    /**
     * {@code column LIKE 'pattern'} (not NOT LIKE, no ESCAPE): without a wildcard, an equality;
     * otherwise each fixed character keeps {@value #LIKE_CHARACTER} of the non-NULL rows, never
     * more than Calcite's guess of 0.25 for any predicate (so {@code '%green%'} keeps 8%, {@code
     * 'forest%'} 3%: a longer fixed part matches fewer values). Null when the conjunct is not such
     * a LIKE.
     */
    private @Nullable Double likeSelectivity(RexCall call, IntUnaryOperator tableColumn, BooleanSupplier cancelled) {
        List<RexNode> operands = call.getOperands();
        if (!(call.getOperator() instanceof SqlLikeOperator like)
                || like.isNegated()
                || operands.size() != 2
                || !(operands.get(1) instanceof RexLiteral literal)) {
            return null;
        }
        String pattern = literal.getValueAs(String.class);
        int column = columnOf(operands.get(0), tableColumn);
        ColumnStatistics s = column < 0 ? null : column(column, cancelled);
        if (pattern == null || s == null) {
            return null;
        }
        int fixed = 0;
        boolean wildcard = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '%' || c == '_') {
                wildcard = true;
            } else {
                fixed++;
            }
        }
        if (!wildcard) {
            return s.distinctCount() == 0 ? 0d : nonNullFraction(s) / s.distinctCount();
        }
        return nonNullFraction(s) * Math.min(0.25, Math.pow(LIKE_CHARACTER, fixed));
    }

    private static double nonNullFraction(ColumnStatistics s) {
        return s.rowCount() == 0 ? 0d : (double) (s.rowCount() - s.nullCount()) / s.rowCount();
    }

    private static int columnComparedToLiteral(List<RexNode> operands, IntUnaryOperator tableColumn) {
        RexNode a = operands.get(0);
        RexNode b = operands.get(1);
        if (RexUtil.removeCast(b) instanceof RexLiteral) {
            return columnOf(a, tableColumn);
        }
        if (RexUtil.removeCast(a) instanceof RexLiteral) {
            return columnOf(b, tableColumn);
        }
        return -1;
    }

    private static int columnOf(RexNode node, IntUnaryOperator tableColumn) {
        RexNode stripped = RexUtil.removeCast(node);
        return stripped instanceof RexInputRef ref ? tableColumn.applyAsInt(ref.getIndex()) : -1;
    }

    /**
     * Whether the statement planning {@code node} was cancelled or ran out of time: reading a large
     * table's statistics takes a while, and a statement must stop soon after its cancel.
     */
    static BooleanSupplier cancelCheck(RelNode node) {
        CancelFlag flag = node.getCluster().getPlanner().getContext().unwrap(CancelFlag.class);
        return flag == null ? () -> false : flag::isCancelRequested;
    }

    /** The table column each output field of {@code scan} reads. */
    static IntUnaryOperator tableColumns(RelNode scan) {
        if (scan instanceof ProjectedScan arrow) {
            int[] projects = arrow.projects();
            return i -> i >= 0 && i < projects.length ? projects[i] : -1;
        }
        return i -> i;
    }

    /** The table columns of a scan's fields {@code groupKey}, or null if one is not a stored column. */
    private static int @Nullable [] columns(ImmutableBitSet groupKey, IntUnaryOperator map) {
        int[] columns = new int[groupKey.cardinality()];
        int n = 0;
        for (int field : groupKey) {
            int c = map.applyAsInt(field);
            if (c < 0) {
                return null;
            }
            columns[n++] = c;
        }
        return columns;
    }

    /** Answers Calcite's distinct-row-count question for a scan of the table. */
    final class DistinctRowCount implements BuiltInMetadata.DistinctRowCount.Handler {
        @Override
        public @Nullable Double getDistinctRowCount(
                RelNode scan, RelMetadataQuery mq, ImmutableBitSet groupKey, @Nullable RexNode predicate) {
            if (groupKey.isEmpty()) {
                return 1d;
            }
            IntUnaryOperator map = tableColumns(scan);
            int[] columns = columns(groupKey, map);
            if (columns == null) {
                return null;
            }
            Double scanRows = mq.getRowCount(scan);
            BooleanSupplier cancelled = cancelCheck(scan);
            double rows = (scanRows == null ? rowCount() : scanRows) * selectivity(predicate, map, cancelled);
            return distinctCount(columns, rows, cancelled);
        }

        @Override
        public MetadataDef<BuiltInMetadata.DistinctRowCount> getDef() {
            return BuiltInMetadata.DistinctRowCount.DEF;
        }
    }

    /**
     * Answers Calcite's population-size question for a scan of the table: the distinct values of
     * the columns in the whole table, whatever the scan's filter keeps. Calcite estimates a semi
     * join's rows from it (the share of the left keys the right side holds); without it, a semi
     * join was estimated to keep every left row (TPC-H Q20's {@code partsupp} semi {@code part}).
     */
    final class PopulationSize implements BuiltInMetadata.PopulationSize.Handler {
        @Override
        public @Nullable Double getPopulationSize(RelNode scan, RelMetadataQuery mq, ImmutableBitSet groupKey) {
            if (groupKey.isEmpty()) {
                return 1d;
            }
            int[] columns = columns(groupKey, tableColumns(scan));
            return columns == null ? null : distinctCount(columns, rowCount(), cancelCheck(scan));
        }

        @Override
        public MetadataDef<BuiltInMetadata.PopulationSize> getDef() {
            return BuiltInMetadata.PopulationSize.DEF;
        }
    }

    /** Answers Calcite's selectivity question for a predicate on a scan of the table. */
    final class Selectivity implements BuiltInMetadata.Selectivity.Handler {
        @Override
        public Double getSelectivity(RelNode scan, RelMetadataQuery mq, @Nullable RexNode predicate) {
            return selectivity(predicate, tableColumns(scan), cancelCheck(scan));
        }

        @Override
        public MetadataDef<BuiltInMetadata.Selectivity> getDef() {
            return BuiltInMetadata.Selectivity.DEF;
        }
    }
}
