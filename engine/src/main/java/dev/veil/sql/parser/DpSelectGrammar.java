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
        VeilSqlParserImpl tokens = tokens(sql);
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

    private static final java.util.regex.Pattern NESTED_CLAUSE =
            java.util.regex.Pattern.compile("(?i)[(\\s]SELECT\\s+WITH\\s+DIFFERENTIAL_PRIVACY\\s+OPTIONS");

    /**
     * The statement with every {@code SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (name = value, ...)}
     * that does not start a statement (one in a sub-query, a WITH element, after a set operator) made
     * readable to Calcite's grammar, which takes {@code WITH} after {@code SELECT} nowhere inside a
     * query: the clause becomes the hint {@code /*+ DIFFERENTIAL_PRIVACY('name' = 'value', ...) *}{@code /}
     * of that SELECT, which is what the outermost clause is parsed into as well. A clause that does not
     * have that form is left as it is, for the parser to report.
     */
    static String nestedClauses(String sql) {
        if (!NESTED_CLAUSE.matcher(sql).find()) {
            return sql;
        }
        int[] lineStarts = lineStarts(sql);
        StringBuilder result = new StringBuilder();
        int copied = 0;
        VeilSqlParserImpl tokens = tokens(sql);
        try {
            for (int i = 2; ; i++) {
                Token t = tokens.getToken(i);
                if (t.kind == VeilSqlParserImplConstants.EOF) {
                    break;
                }
                int before = tokens.getToken(i - 1).kind;
                boolean nested = before == VeilSqlParserImplConstants.LPAREN
                        || before == VeilSqlParserImplConstants.UNION
                        || before == VeilSqlParserImplConstants.INTERSECT
                        || before == VeilSqlParserImplConstants.EXCEPT
                        || before == VeilSqlParserImplConstants.ALL
                        || before == VeilSqlParserImplConstants.DISTINCT;
                if (!nested
                        || t.kind != VeilSqlParserImplConstants.SELECT
                        || tokens.getToken(i + 1).kind != VeilSqlParserImplConstants.WITH
                        || !tokens.getToken(i + 2).image.equalsIgnoreCase(HINT)
                        || tokens.getToken(i + 3).kind != VeilSqlParserImplConstants.OPTIONS
                        || tokens.getToken(i + 4).kind != VeilSqlParserImplConstants.LPAREN) {
                    continue;
                }
                StringBuilder hint = new StringBuilder("/*+ " + HINT + "(");
                int j = i + 5;
                boolean ok = true;
                boolean first = true;
                while (ok && tokens.getToken(j).kind != VeilSqlParserImplConstants.RPAREN) {
                    Token name = tokens.getToken(j);
                    if (!first) {
                        ok = name.kind == VeilSqlParserImplConstants.COMMA;
                        name = tokens.getToken(++j);
                    }
                    first = false;
                    ok &= name.kind != VeilSqlParserImplConstants.EOF
                            && tokens.getToken(j + 1).kind == VeilSqlParserImplConstants.EQ;
                    if (!ok) {
                        break;
                    }
                    j += 2;
                    StringBuilder value = new StringBuilder();
                    int depth = 0;
                    for (; ; j++) {
                        int kind = tokens.getToken(j).kind;
                        if (kind == VeilSqlParserImplConstants.EOF) {
                            ok = false;
                            break;
                        }
                        if (depth == 0
                                && (kind == VeilSqlParserImplConstants.COMMA
                                        || kind == VeilSqlParserImplConstants.RPAREN)) {
                            break;
                        }
                        depth += kind == VeilSqlParserImplConstants.LPAREN
                                ? 1
                                : kind == VeilSqlParserImplConstants.RPAREN ? -1 : 0;
                        value.append(tokens.getToken(j).image.replace("\"", ""));
                    }
                    ok &= value.length() > 0;
                    if (hint.charAt(hint.length() - 1) != '(') {
                        hint.append(", ");
                    }
                    hint.append(quoted(name.image.replace("\"", "")))
                            .append(" = ")
                            .append(quoted(value.toString()));
                }
                if (!ok) {
                    continue;
                }
                Token with = tokens.getToken(i + 1);
                Token close = tokens.getToken(j);
                int from = offset(lineStarts, with.beginLine, with.beginColumn);
                int to = offset(lineStarts, close.endLine, close.endColumn) + 1;
                if (from < copied || to > sql.length()) {
                    continue;
                }
                result.append(sql, copied, from).append(hint).append(") */");
                copied = to;
                i = j;
            }
        } catch (TokenMgrError e) {
            return sql; // the real parse reports it
        }
        return result.append(sql, copied, sql.length()).toString();
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
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

    /**
     * A token reader of {@code sql} in the lexical state the statement is parsed in (double-quoted
     * identifiers, {@code VeilParser}'s quoting), so that a quoted name such as
     * {@code "percentile_cont(x, 0.5)"} is one identifier, not the tokens inside it.
     */
    private static VeilSqlParserImpl tokens(String sql) {
        VeilSqlParserImpl tokens = new VeilSqlParserImpl(new java.io.StringReader(sql));
        tokens.switchTo(org.apache.calcite.sql.parser.SqlAbstractParserImpl.LexicalState.DQID);
        return tokens;
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
