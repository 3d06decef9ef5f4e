package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.plan.StoredTable;
import dev.veil.storage.Warehouse;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Veil table as Calcite sees it during one statement: its definition and the version that was
 * current when the statement started, so every scan of it in the statement reads the same data.
 * {@code exec}'s scan rule converts its scans to physical scans, which read it through
 * {@link #warehouse}.
 */
public final class ArrowTable extends AbstractTable implements StoredTable {
    private final Warehouse warehouse;
    private final TableDef definition;
    private final TableVersion version;
    private final ArrowTableStatistics statistics;

    public ArrowTable(Warehouse warehouse, TableDef definition, TableVersion version) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.definition = requireNonNull(definition, "definition is null");
        this.version = requireNonNull(version, "version is null");
        this.statistics = new ArrowTableStatistics(this);
    }

    /** The warehouse the table's data is read from. */
    public Warehouse warehouse() {
        return warehouse;
    }

    /**
     * The fraction of the table's rows that {@code filter}, over the table's columns, is estimated
     * to keep, for a scan of the table in {@code scan}'s plan (whose statement may be cancelled).
     */
    public double selectivity(RexNode filter, RelNode scan) {
        return statistics.selectivity(filter, c -> c, ArrowTableStatistics.cancelCheck(scan));
    }

    @Override
    public TableDef definition() {
        return definition;
    }

    @Override
    public TableVersion version() {
        return version;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return VeilTypes.toRowType(typeFactory, definition.columns());
    }

    @Override
    public Statistic getStatistic() {
        return Statistics.of(Math.max(1d, version.rowCount()), List.of());
    }

    /** Also answers Calcite's metadata questions on distinct values, population sizes and selectivity for scans of it. */
    @Override
    public <C> @Nullable C unwrap(Class<C> aClass) {
        if (aClass == BuiltInMetadata.DistinctRowCount.Handler.class) {
            return aClass.cast(statistics.new DistinctRowCount());
        }
        if (aClass == BuiltInMetadata.PopulationSize.Handler.class) {
            return aClass.cast(statistics.new PopulationSize());
        }
        if (aClass == BuiltInMetadata.Selectivity.Handler.class) {
            return aClass.cast(statistics.new Selectivity());
        }
        return super.unwrap(aClass);
    }

    @Override
    public String toString() {
        return "ArrowTable(" + definition.name() + "@" + version.version() + ")";
    }
}
