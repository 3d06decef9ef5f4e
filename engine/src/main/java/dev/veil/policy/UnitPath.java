package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.List;

/**
 * How a table's rows reach their privacy unit: either a column of the table itself (no hops), or
 * a chain of foreign keys, e.g. {@code lineitem.l_orderkey -> orders.o_orderkey}, then
 * {@code orders.o_custkey} is the unit.
 *
 * @param hops the foreign-key hops from the table towards the table that holds the unit
 * @param unitTable the table whose column is the unit
 * @param unitColumn the unit column in {@code unitTable}
 */
public record UnitPath(List<Hop> hops, TableName unitTable, String unitColumn) {
    public UnitPath {
        hops = List.copyOf(requireNonNull(hops, "hops is null"));
        requireNonNull(unitTable, "unitTable is null");
        requireNonNull(unitColumn, "unitColumn is null");
    }

    /** One foreign-key hop: {@code fromTable.fkColumn} references {@code toTable.keyColumn}. */
    public record Hop(TableName fromTable, String fkColumn, TableName toTable, String keyColumn) {
        public Hop {
            requireNonNull(fromTable, "fromTable is null");
            requireNonNull(fkColumn, "fkColumn is null");
            requireNonNull(toTable, "toTable is null");
            requireNonNull(keyColumn, "keyColumn is null");
        }
    }

    public boolean isDirect() {
        return hops.isEmpty();
    }
}
