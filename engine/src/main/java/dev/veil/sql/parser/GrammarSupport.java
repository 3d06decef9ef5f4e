package dev.veil.sql.parser;

import dev.veil.sql.ast.SqlCopyOption;
import java.util.List;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.runtime.CalciteException;
import org.apache.calcite.sql.parser.Span;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Checks the generated parser calls from Veil's grammar actions ({@code parserImpls.ftl}).
 * They throw {@link CalciteContextException}, which the parser turns into a
 * {@code SqlParseException} at the offending position.
 */
final class GrammarSupport {
    private GrammarSupport() {}

    /** Rejects {@code CREATE OR REPLACE}, which Calcite's grammar accepts for any CREATE. */
    static void checkNoOrReplace(Span span, boolean replace, String objectKind) {
        if (replace) {
            throw error(span.pos(), "CREATE OR REPLACE " + objectKind + " is not supported");
        }
    }

    /** Adds a COPY option unless one of the same name is already there. */
    static void addOption(List<SqlCopyOption> options, SqlCopyOption option) {
        for (SqlCopyOption existing : options) {
            if (existing.name().equals(option.name())) {
                throw error(option.getParserPosition(), "Option " + option.name() + " is given more than once");
            }
        }
        options.add(option);
    }

    /** Rejects a DP policy or budget without {@code EPSILON}. */
    static void requireEpsilon(PrivacyParameters parameters, SqlParserPos pos, String what) {
        if (parameters.epsilon == null) {
            throw error(pos, what + " needs EPSILON");
        }
    }

    /** Rejects {@code MAX ... PER UNIT} where only EPSILON and DELTA belong (a budget's limit). */
    static void checkContributionBounds(boolean allowed, SqlParserPos pos) {
        if (!allowed) {
            throw error(pos, "A privacy budget's LIMIT takes only EPSILON and DELTA");
        }
    }

    /** The parser reports the cause's message at the exception's position. */
    static CalciteContextException error(SqlParserPos pos, String message) {
        return new CalciteContextException(
                message,
                new CalciteException(message, null),
                pos.getLineNum(),
                pos.getColumnNum(),
                pos.getEndLineNum(),
                pos.getEndColumnNum());
    }
}
