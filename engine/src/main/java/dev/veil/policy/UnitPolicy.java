package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Optional;

/**
 * A stored {@code SET PRIVACY UNIT} policy: the table's rows belong to the unit in {@code column}
 * (direct), or {@code column} is a foreign key to {@code via}, whose table holds the unit.
 *
 * @param table the table
 * @param column the unit column, or in the VIA form the foreign-key column
 * @param via the referenced parent key in the VIA form
 */
public record UnitPolicy(TableName table, String column, Optional<ColumnRef> via) {
    public UnitPolicy {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(via, "via is null");
    }

    public static UnitPolicy direct(TableName table, String column) {
        return new UnitPolicy(table, column, Optional.empty());
    }

    public static UnitPolicy via(TableName table, String column, ColumnRef parentKey) {
        return new UnitPolicy(table, column, Optional.of(parentKey));
    }

    /** The policy as written after {@code SET}: {@code PRIVACY UNIT (c)} or {@code PRIVACY UNIT VIA (fk) REFERENCES s.p (pk)}. */
    public String definition() {
        return via.map(p -> "PRIVACY UNIT VIA (" + column + ") REFERENCES " + p)
                .orElse("PRIVACY UNIT (" + column + ")");
    }

    @Override
    public String toString() {
        return definition() + " on " + table;
    }
}
