package dev.veil.sql.parser;

import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The grammar actions of BigQuery's {@code SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...)}: the
 * options become one hint of the SELECT named {@value #HINT}, each a key and the text of its value
 * (a number, or the name of a column), which {@code dev.veil.sql.DpSelectOptions} reads before
 * validation. Keeping them in the SELECT keeps them in the statement's text, and so in the plan
 * cache's key.
 */
public final class DpSelectGrammar {
    /** The name of the hint that carries the options. */
    public static final String HINT = "DIFFERENTIAL_PRIVACY";

    private DpSelectGrammar() {}

    /** Checks the word after {@code SELECT WITH}. */
    static void checkClause(SqlIdentifier clause) {
        if (!clause.isSimple() || !clause.getSimple().equalsIgnoreCase(HINT)) {
            throw GrammarSupport.error(
                    clause.getParserPosition(), "Expected DIFFERENTIAL_PRIVACY after SELECT WITH, got " + clause);
        }
    }

    /** Adds option {@code name = value} as a key and a text value; an option given twice is refused. */
    static void addOption(List<SqlNode> options, SqlIdentifier name, SqlNode value) {
        String key = name.getSimple().toLowerCase(Locale.ROOT);
        for (int i = 0; i < options.size(); i += 2) {
            if (((SqlIdentifier) options.get(i)).getSimple().equals(key)) {
                throw GrammarSupport.error(name.getParserPosition(), "Option " + key + " is given more than once");
            }
        }
        options.add(new SqlIdentifier(key, name.getParserPosition()));
        options.add(SqlLiteral.createCharString(text(value), value.getParserPosition()));
    }

    /** The value of an option as text: a number (possibly negative), a column name, or NULL. */
    private static String text(SqlNode value) {
        if (value instanceof SqlNumericLiteral n) {
            return n.getValueAs(java.math.BigDecimal.class).toString();
        }
        if (value instanceof SqlBasicCall call
                && call.getKind() == SqlKind.MINUS_PREFIX
                && call.operand(0) instanceof SqlNumericLiteral n) {
            return n.getValueAs(java.math.BigDecimal.class).negate().toString();
        }
        if (value instanceof SqlIdentifier id) {
            return String.join(".", id.names);
        }
        if (value instanceof SqlLiteral literal && literal.getValue() == null) {
            return "NULL";
        }
        throw GrammarSupport.error(
                value.getParserPosition(),
                "A DIFFERENTIAL_PRIVACY option takes a number or a column name, got " + value);
    }

    private static final java.util.regex.Pattern BIGQUERY_FORMS =
            java.util.regex.Pattern.compile("(?i)(COUNT\\s*\\(\\s*\\*\\s*,)|PERCENTILE_CONT\\s*\\([^)]*,");

    /** The name {@code PERCENTILE_CONT(expression, percentile, ...)} is read under. */
    public static final String BIGQUERY_PERCENTILE = "PERCENTILE_CONT_";

    /**
     * The statement with BigQuery's forms of two DP aggregates that Calcite's grammar cannot read
     * made readable, for {@code DpSelectOptions} to turn back into them:
     * {@code COUNT(*, contribution_bounds_per_group => (lo, hi))} (nothing may follow {@code *})
     * with the {@code *} and the comma blanked out, {@code COUNT(  contribution_bounds_per_group =>
     * ...)}, a COUNT of named arguments only; and {@code PERCENTILE_CONT(expression, percentile,
     * ...)} (Calcite reads PERCENTILE_CONT with one argument) renamed {@value #BIGQUERY_PERCENTILE}.
     * Only those tokens change, never a string literal or a comment.
     */
    static String countStarArguments(String sql) {
        if (!BIGQUERY_FORMS.matcher(sql).find()) {
            return sql;
        }
        int[] lineStarts = lineStarts(sql);
        char[] text = sql.toCharArray();
        List<Integer> renames = new java.util.ArrayList<>();
        VeilSqlParserImpl tokens = new VeilSqlParserImpl(new java.io.StringReader(sql));
        try {
            for (int i = 1; ; i++) {
                Token t = tokens.getToken(i);
                if (t.kind == VeilSqlParserImplConstants.EOF) {
                    break;
                }
                if (t.kind == VeilSqlParserImplConstants.COUNT
                        && tokens.getToken(i + 1).kind == VeilSqlParserImplConstants.LPAREN
                        && tokens.getToken(i + 2).kind == VeilSqlParserImplConstants.STAR
                        && tokens.getToken(i + 3).kind == VeilSqlParserImplConstants.COMMA) {
                    blank(text, lineStarts, tokens.getToken(i + 2), '*');
                    blank(text, lineStarts, tokens.getToken(i + 3), ',');
                }
                if (t.kind == VeilSqlParserImplConstants.PERCENTILE_CONT
                        && tokens.getToken(i + 1).kind == VeilSqlParserImplConstants.LPAREN
                        && commaInside(tokens, i + 1)) {
                    int end = offset(lineStarts, t.endLine, t.endColumn);
                    if (end >= 0 && end < text.length) {
                        renames.add(end + 1);
                    }
                }
            }
        } catch (TokenMgrError e) {
            return sql; // the real parse reports it
        }
        StringBuilder result = new StringBuilder(new String(text));
        for (int r = renames.size() - 1; r >= 0; r--) {
            result.insert((int) renames.get(r), '_');
        }
        return result.toString();
    }

    /** Whether the parentheses opened at token {@code open} hold a comma at their own depth. */
    private static boolean commaInside(VeilSqlParserImpl tokens, int open) {
        int depth = 0;
        for (int i = open; ; i++) {
            int kind = tokens.getToken(i).kind;
            if (kind == VeilSqlParserImplConstants.EOF) {
                return false;
            }
            if (kind == VeilSqlParserImplConstants.LPAREN) {
                depth++;
            } else if (kind == VeilSqlParserImplConstants.RPAREN) {
                depth--;
                if (depth == 0) {
                    return false;
                }
            } else if (kind == VeilSqlParserImplConstants.COMMA && depth == 1) {
                return true;
            }
        }
    }

    private static int offset(int[] lineStarts, int line, int column) {
        return line < 1 || line > lineStarts.length ? -1 : lineStarts[line - 1] + column - 1;
    }

    private static int[] lineStarts(String sql) {
        List<Integer> starts = new java.util.ArrayList<>(List.of(0));
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void blank(char[] text, int[] lineStarts, Token token, char expected) {
        int at = offset(lineStarts, token.beginLine, token.beginColumn);
        if (at >= 0 && at < text.length && text[at] == expected) {
            text[at] = ' ';
        }
    }

    /** The hint list of the SELECT: the one hint holding the options. */
    static SqlNodeList hints(List<SqlNode> options, SqlParserPos pos) {
        return new SqlNodeList(
                List.of(new SqlHint(
                        pos,
                        new SqlIdentifier(HINT, pos),
                        new SqlNodeList(options, pos),
                        SqlHint.HintOptionFormat.KV_LIST)),
                pos);
    }
}
