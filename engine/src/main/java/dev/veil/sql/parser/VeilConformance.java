package dev.veil.sql.parser;

import org.apache.calcite.sql.validate.SqlAbstractConformance;

/**
 * The SQL dialect rules Veil's parser and validator follow: Calcite's defaults (standard SQL,
 * {@code LIMIT} / {@code OFFSET} / {@code FETCH}) made lenient the way PostgreSQL is, so that
 * queries written for PostgreSQL or DuckDB mostly run unchanged.
 */
public final class VeilConformance extends SqlAbstractConformance {
    public static final VeilConformance INSTANCE = new VeilConformance();

    private VeilConformance() {}

    /** {@code a != b}. */
    @Override
    public boolean isBangEqualAllowed() {
        return true;
    }

    /** {@code a % b}. */
    @Override
    public boolean isPercentRemainderAllowed() {
        return true;
    }

    /** {@code GROUP BY alias}. */
    @Override
    public boolean isGroupByAlias() {
        return true;
    }

    /** {@code GROUP BY 1}. */
    @Override
    public boolean isGroupByOrdinal() {
        return true;
    }

    /** {@code ... OFFSET 10 LIMIT 5} as well as {@code LIMIT 5 OFFSET 10}. */
    @Override
    public boolean isOffsetLimitAllowed() {
        return true;
    }

    /** {@code SELECT 1} without {@code FROM}. */
    @Override
    public boolean isFromRequired() {
        return false;
    }

    /**
     * {@code 'a' UNION 'abc'} is a VARCHAR, not a blank-padded CHAR(3). Calcite reads this from
     * the type system ({@code RelDataTypeSystem#shouldConvertRaggedUnionTypesToVarying}); a
     * planner that builds its type system itself must carry the flag over.
     */
    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }

    /** {@code INTERVAL '2' DAYS} as well as {@code DAY}. */
    @Override
    public boolean allowPluralTimeUnits() {
        return true;
    }

    /** {@code SELECT t.k FROM t JOIN u USING (k)}. */
    @Override
    public boolean allowQualifyingCommonColumn() {
        return true;
    }

    /** {@code INSERT INTO t VALUES (...)} with fewer values than columns fills the rest with NULL. */
    @Override
    public boolean isInsertSubsetColumnsAllowed() {
        return true;
    }
}
