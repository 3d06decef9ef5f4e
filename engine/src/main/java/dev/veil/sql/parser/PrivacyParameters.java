package dev.veil.sql.parser;

import java.math.BigDecimal;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The settings collected while parsing {@code DIFFERENTIAL PRIVACY (...)} or
 * {@code PRIVACY BUDGET ... LIMIT (...)}; a scratch holder of the grammar actions, which
 * may give the settings in any order but each at most once.
 */
final class PrivacyParameters {
    BigDecimal epsilon;
    BigDecimal delta;
    Integer maxGroupsPerUnit;
    Integer maxRowsPerUnitPerGroup;
    /** CONTRIBUTION BOUNDS AUTO (true) or FIXED (false); null when not given. */
    Boolean autoBounds;

    void setEpsilon(BigDecimal value, SqlParserPos pos) {
        checkUnset(epsilon, "EPSILON", pos);
        epsilon = value;
    }

    void setDelta(BigDecimal value, SqlParserPos pos) {
        checkUnset(delta, "DELTA", pos);
        delta = value;
    }

    void setMaxGroupsPerUnit(int value, SqlParserPos pos) {
        checkUnset(maxGroupsPerUnit, "MAX GROUPS PER UNIT", pos);
        maxGroupsPerUnit = value;
    }

    void setMaxRowsPerUnitPerGroup(int value, SqlParserPos pos) {
        checkUnset(maxRowsPerUnitPerGroup, "MAX ROWS PER UNIT PER GROUP", pos);
        maxRowsPerUnitPerGroup = value;
    }

    void setAutoBounds(boolean value, SqlParserPos pos) {
        checkUnset(autoBounds, "CONTRIBUTION BOUNDS", pos);
        autoBounds = value;
    }

    private static void checkUnset(Object current, String setting, SqlParserPos pos) {
        if (current != null) {
            throw GrammarSupport.error(pos, setting + " is given more than once");
        }
    }
}
