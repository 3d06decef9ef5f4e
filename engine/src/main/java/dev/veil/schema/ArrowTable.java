package dev.veil.exec;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.plan.StoredTable;
import dev.veil.storage.Warehouse;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Veil table as Calcite sees it during one statement: its definition and the version that was
 * current when the statement started, so every scan of it in the statement reads the same data.
 * It is converted to an {@link ArrowTableScan} by {@link ArrowTableScanRule}.
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

    Warehouse warehouse() {
        return warehouse;
    }

    ArrowTableStatistics statistics() {
        return statistics;
    }

    @Override
    public TableDef definition() {
        return definition;
    }

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

    /** Also answers Calcite's metadata questions on distinct values and selectivity for scans of it. */
    @Override
    public <C> @Nullable C unwrap(Class<C> aClass) {
        if (aClass == BuiltInMetadata.DistinctRowCount.Handler.class) {
            return aClass.cast(statistics.new DistinctRowCount());
        }
        if (aClass == BuiltInMetadata.Selectivity.Handler.class) {
            return aClass.cast(statistics.new Selectivity());
        }
        return super.unwrap(aClass);
    }

    /** Streams the rows selected by {@code spec}; called from generated code. */
    public Enumerable<Object> scan(DataContext root, ScanSpec spec) {
        requireNonNull(spec, "spec is null");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new ArrowEnumerator(warehouse, definition, version, spec, ExecutionContext.cancelFlag(root),
                        DynamicFilters.of(root));
            }
        };
    }

    @Override
    public String toString() {
        return "ArrowTable(" + definition.name() + "@" + version.version() + ")";
    }
}
