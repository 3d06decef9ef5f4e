package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.ErasureLog;
import dev.veil.catalog.TableDef;
import dev.veil.policy.UnitPath;
import dev.veil.storage.LoadFilter;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * {@code COPY ... WITH (SKIP ERASED [TRUE | FALSE])}: the {@link LoadFilter} that drops the rows of
 * privacy units the erasure log says were erased, so that a reload of old data does not bring an
 * erased person back. A row's unit is its unit column (the unit table) or its foreign key (a table
 * one {@code VIA} hop from the unit table); its keyed fingerprint is compared with the log's. On by
 * default for such tables; {@code SKIP ERASED FALSE} turns it off (COPY is for admins only).
 * Tables further than one hop are not checked (their rows reach the unit only through rows the
 * erasure deleted): {@code SKIP ERASED} on one is NOT_SUPPORTED.
 */
final class SkipErased {
    private SkipErased() {}

    /**
     * The filter for loading into {@code table}; empty when nothing is to be checked (no unit, turned
     * off, or no unit of its unit table was ever erased). {@code asked} is the option's value, if given.
     */
    static Optional<LoadFilter> filter(StatementContext context, TableDef table, Optional<Boolean> asked) {
        if (asked.isPresent() && !asked.get()) {
            return Optional.empty();
        }
        Optional<UnitPath> path = PolicyStatements.store(context).unitPath(table.name());
        if (path.isEmpty()) {
            if (asked.isPresent()) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "Table '" + table.name() + "' has no privacy unit, so COPY cannot tell erased rows; set its "
                                + "PRIVACY UNIT first, or leave out SKIP ERASED");
            }
            return Optional.empty();
        }
        UnitPath unit = path.get();
        if (unit.hops().size() > 1) {
            if (asked.isPresent()) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Table '" + table.name() + "' reaches its privacy unit through "
                                + unit.hops().size()
                                + " tables; SKIP ERASED checks the unit table and the tables one hop from it");
            }
            return Optional.empty();
        }
        String unitTable = unit.unitTable().toString();
        ErasureLog log = new ErasureLog(context.warehouse().sqliteCatalog());
        Set<String> erased = log.erasedFingerprints(unitTable);
        if (erased.isEmpty()) {
            return Optional.empty();
        }
        int column = UnitRows.columnIndex(
                table, unit.isDirect() ? unit.unitColumn() : unit.hops().get(0).fkColumn());
        BiFunction<String, String, String> fingerprint = log.fingerprinter();
        return Optional.of(new LoadFilter(
                column,
                value -> value == null
                        || !erased.contains(
                                fingerprint.apply(unitTable, UnitRows.canonical(UnitRows.normalize(value))))));
    }
}
