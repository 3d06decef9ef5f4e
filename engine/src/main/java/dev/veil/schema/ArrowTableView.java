package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import dev.veil.plan.RestrictedTable;
import dev.veil.plan.StoredTable;
import dev.veil.policy.ColumnAccess;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.MaskKind;
import dev.veil.policy.TableAccess;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A table as one principal sees it when some policy restricts it: HIDDEN columns are absent (so
 * {@code SELECT *} and the validator never see them) and MASKED columns have the type of their
 * mask's result. The view carries the resolved {@link TableAccess} it was built from, so that the
 * privacy rewrite enforces exactly what validation saw.
 *
 * <p>A view cannot be executed: it does not unwrap to {@link ArrowTable} or {@link ForeignTable}, so no planner rule
 * converts its scan. The privacy rewrite replaces every scan of a view by a scan of the base
 * table with the policies applied on top; a plan that skipped the rewrite fails to plan.
 */
public final class ArrowTableView extends AbstractTable implements RestrictedTable {
    private final StoredTable base;
    private final TableAccess access;
    private final List<Column> columns;
    private final int[] baseColumns;

    public ArrowTableView(StoredTable base, TableAccess access) {
        this.base = requireNonNull(base, "base is null");
        this.access = requireNonNull(access, "access is null");
        if (!access.table().equals(base.definition().name())) {
            throw new IllegalArgumentException("access of " + access.table() + " given for "
                    + base.definition().name());
        }
        List<Column> visible = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<Column> all = base.definition().columns();
        for (int i = 0; i < all.size(); i++) {
            Column column = all.get(i);
            ColumnAccess columnAccess = access.column(column.name());
            if (columnAccess.columnClass() == ColumnClass.HIDDEN) {
                continue;
            }
            visible.add(visibleColumn(column, columnAccess));
            positions.add(i);
        }
        this.columns = List.copyOf(visible);
        this.baseColumns = positions.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether {@code access} leaves a table exactly as stored: no unit, filter, group size or column policy. */
    public static boolean isUnrestricted(TableAccess access) {
        return access.unit().isEmpty()
                && access.minGroupSize().isEmpty()
                && access.rowFilter().isEmpty()
                && access.columns().values().stream().allMatch(c -> c.columnClass() == ColumnClass.PUBLIC);
    }

    /** The columns of {@code table} that {@code access} lets its principal see, typed as they see them. */
    public static List<Column> visibleColumns(TableDef table, TableAccess access) {
        List<Column> visible = new ArrayList<>();
        for (Column column : table.columns()) {
            ColumnAccess columnAccess = access.column(column.name());
            if (columnAccess.columnClass() != ColumnClass.HIDDEN) {
                visible.add(visibleColumn(column, columnAccess));
            }
        }
        return visible;
    }

    /**
     * A column as its principal sees it. A masked column holds the mask's result: text for the
     * masks that produce text, the column's own type otherwise, and always nullable (NULLIFY and
     * REDACT yield NULL). Clamped AGGREGATE ONLY columns keep their type.
     */
    private static Column visibleColumn(Column column, ColumnAccess access) {
        if (access.columnClass() != ColumnClass.MASKED) {
            return column;
        }
        MaskKind kind = access.mask().orElseThrow().kind();
        boolean text = kind == MaskKind.HASH
                || kind == MaskKind.SHOW_LAST
                || (kind == MaskKind.REDACT && column.type().type() == VeilType.VARCHAR);
        ColumnType type = text ? ColumnType.of(VeilType.VARCHAR) : column.type();
        return new Column(column.name(), type, true);
    }

    /** The table with every column, as stored. */
    @Override
    public StoredTable base() {
        return base;
    }

    /** The resolved policies this view was built from. */
    @Override
    public TableAccess access() {
        return access;
    }

    /** The visible columns, in table order, typed as the principal sees them. */
    public List<Column> columns() {
        return columns;
    }

    /** The position in the base table of each visible column. */
    @Override
    public int[] baseColumns() {
        return baseColumns.clone();
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return VeilTypes.toRowType(typeFactory, columns);
    }

    @Override
    public Statistic getStatistic() {
        Double rows = base.getStatistic().getRowCount();
        return Statistics.of(rows == null ? 1d : rows, List.of());
    }

    @Override
    public String toString() {
        return "ArrowTableView(" + base.definition().name() + ")";
    }
}
