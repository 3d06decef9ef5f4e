package dev.veil.sql.parser;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.dialect.AnsiSqlDialect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The one way Veil turns SQL text into syntax trees: Calcite's parser extended with Veil's
 * statements ({@link VeilSqlParserImpl}), with Veil's lexical rules. Unquoted identifiers are
 * folded to lower case, quoted ones kept as written, and names are then matched case-sensitively
 * (as in PostgreSQL). Syntax errors are {@link VeilException}s with {@link ErrorCode#SYNTAX_ERROR}.
 */
public final class VeilParser {
    /** Identifiers longer than this are rejected. */
    public static final int IDENTIFIER_MAX_LENGTH = 128;

    /** How many expected tokens a syntax error lists before it says "...". */
    private static final int MAX_EXPECTED_TOKENS = 8;

    private static final SqlParser.Config CONFIG = SqlParser.config()
            .withParserFactory(VeilSqlParserImpl.FACTORY)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withIdentifierMaxLength(IDENTIFIER_MAX_LENGTH)
            .withConformance(VeilConformance.INSTANCE);

    /** Standard SQL, identifiers in double quotes: what {@link #unparse} writes. */
    private static final SqlDialect DIALECT = new AnsiSqlDialect(AnsiSqlDialect.DEFAULT_CONTEXT
            .withIdentifierQuoteString("\"")
            .withIdentifierEscapedQuoteString("\"\"")
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(true)
            .withConformance(VeilConformance.INSTANCE));

    private static final Pattern POSITION_PREFIX =
            Pattern.compile("^From line \\d+, column \\d+ to line \\d+, column \\d+: ");
    private static final Pattern POSITION_PHRASE = Pattern.compile(" at line \\d+, column \\d+\\.?");
    private static final Pattern ENCOUNTERED_STRING = Pattern.compile("Encountered \"\\\\?'.+'\"");
    private static final Pattern ENCOUNTERED_QUOTE = Pattern.compile("Encountered \"\\\\?'\"");
    private static final Pattern LEXICAL_ERROR =
            Pattern.compile("Lexical error.*Encountered: (\"(?:[^\"\\\\]|\\\\.)*\"|<EOF>).*");

    private VeilParser() {}

    /**
     * The parser configuration every Veil parse uses; the validator and planner take their
     * case sensitivity and conformance from it too.
     */
    public static SqlParser.Config config() {
        return CONFIG;
    }

    /** Parses one statement (a trailing semicolon is not allowed; see {@link #parseScript}). */
    public static SqlNode parse(String sql) {
        requireNonNull(sql, "sql is null");
        if (hasNoTokens(sql)) {
            throw new VeilException(ErrorCode.SYNTAX_ERROR, "Syntax error: the statement is empty");
        }
        try {
            return StatementDepth.check(
                    SqlParser.create(DpSelectGrammar.countStarArguments(DpSelectGrammar.nestedClauses(sql)), CONFIG)
                            .parseStmt());
        } catch (SqlParseException e) {
            throw syntaxError(e);
        }
    }

    /**
     * Parses one expression, such as a row filter's predicate kept as text by the policy store.
     */
    public static SqlNode parseExpression(String sql) {
        requireNonNull(sql, "sql is null");
        if (hasNoTokens(sql)) {
            throw new VeilException(ErrorCode.SYNTAX_ERROR, "Syntax error: the expression is empty");
        }
        try {
            return StatementDepth.check(SqlParser.create(sql, CONFIG).parseExpression());
        } catch (SqlParseException e) {
            throw syntaxError(e);
        }
    }

    /**
     * Parses a script of statements separated by semicolons; the last one may end with a
     * semicolon too. A script of only blanks and comments gives an empty list.
     */
    public static List<SqlNode> parseScript(String sql) {
        requireNonNull(sql, "sql is null");
        if (hasNoTokens(sql)) {
            // Calcite's statement list fails on an empty script instead of returning no statements.
            return List.of();
        }
        try {
            List<SqlNode> statements = List.copyOf(
                    SqlParser.create(DpSelectGrammar.countStarArguments(DpSelectGrammar.nestedClauses(sql)), CONFIG)
                            .parseStmtList()
                            .getList());
            statements.forEach(StatementDepth::check);
            return statements;
        } catch (SqlParseException e) {
            throw syntaxError(e);
        }
    }

    /**
     * Whether {@code sql} is only blanks and comments ({@code --} to the end of a line, closed
     * {@code /* ... *}{@code /} other than a hint), read without a parser (building one per statement
     * costs more than many statements take to parse). Anything else counts as a token, so an unclosed
     * comment or an unusual blank is left to the real parse, which reports it.
     */
    static boolean hasNoTokens(String sql) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 2 < n && sql.charAt(i + 1) == '*' && sql.charAt(i + 2) != '+') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return false;
                }
                i = end + 2;
            } else {
                return false;
            }
        }
        return true;
    }

    /** The dialect of {@link #unparse}: standard SQL with identifiers in double quotes. */
    public static SqlDialect dialect() {
        return DIALECT;
    }

    /**
     * The SQL text of a node in the dialect Veil parses (identifiers in double quotes), so that
     * {@code parse(unparse(node))} gives an equal node. Passwords come out as {@code '***'}.
     * Unlike {@link SqlNode#toString()}, which quotes identifiers with back-ticks.
     */
    public static String unparse(SqlNode node) {
        requireNonNull(node, "node is null");
        return node.toSqlString(c -> c.withDialect(DIALECT)
                        .withAlwaysUseParentheses(false)
                        .withSelectListItemsOnSeparateLines(false)
                        .withUpdateSetListNewline(false)
                        .withIndentation(0))
                .getSql();
    }

    /**
     * Turns Calcite's parse error into Veil's: the position first, then Calcite's explanation
     * in one line, with at most {@value #MAX_EXPECTED_TOKENS} of the expected tokens. The text of
     * a string literal is never repeated (it may be a password).
     */
    static VeilException syntaxError(SqlParseException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError) {
                // The generated parser recurses once per level of nesting: what it could not parse
                // is too deep, not wrong (see StatementDepth for what it could parse).
                return new VeilException(
                        ErrorCode.STATEMENT_TOO_COMPLEX,
                        "The statement nests expressions or "
                                + "sub-queries too deeply to parse (the limit is " + StatementDepth.MAX_DEPTH
                                + " levels deep); simplify it");
            }
        }
        SqlParserPos pos = e.getPos();
        String where = pos == null || pos.getLineNum() == 0
                ? "Syntax error"
                : "Syntax error at line " + pos.getLineNum() + ", column " + pos.getColumnNum();
        // Calcite's exception is not kept as the cause: its message may quote a string literal
        // of the statement, which may be a password.
        return new VeilException(ErrorCode.SYNTAX_ERROR, where + ": " + explanation(e));
    }

    private static String explanation(SqlParseException e) {
        String message =
                e.getMessage() == null ? "invalid statement" : e.getMessage().strip();
        List<String> lines = message.lines().map(String::strip).toList();
        String first = lines.isEmpty() ? message : lines.get(0);
        first = POSITION_PREFIX.matcher(first).replaceFirst("");
        first = POSITION_PHRASE.matcher(first).replaceAll("");
        if (ENCOUNTERED_STRING.matcher(first).matches()) {
            first = "Encountered a string literal";
        } else if (ENCOUNTERED_QUOTE.matcher(first).matches()) {
            first = "Encountered an unterminated string literal";
        }
        if (first.startsWith("Encountered \"<EOF>\"")) {
            first = "Unexpected end of input";
        }
        Matcher lexical = LEXICAL_ERROR.matcher(first);
        if (lexical.matches()) {
            // Calcite goes on with the text before the character, which may be part of a literal.
            first = lexical.group(1).equals("<EOF>")
                    ? "Unexpected end of input (unclosed comment or quoted identifier?)"
                    : "Unexpected character " + lexical.group(1);
        }
        first = first.endsWith(".") ? first.substring(0, first.length() - 1) : first;

        Set<String> expected = new LinkedHashSet<>();
        boolean inExpected = false;
        for (String line : lines) {
            if (line.startsWith("Was expecting")) {
                inExpected = true;
                String rest = line.substring(line.indexOf(':') + 1).strip();
                addExpected(expected, rest);
            } else if (inExpected) {
                addExpected(expected, line);
            }
        }
        if (expected.isEmpty()) {
            return first;
        }
        List<String> shown = new ArrayList<>(expected);
        StringBuilder text = new StringBuilder(first).append(". Expected ");
        text.append(shown.size() == 1 ? "" : "one of: ");
        text.append(String.join(", ", shown.subList(0, Math.min(MAX_EXPECTED_TOKENS, shown.size()))));
        if (shown.size() > MAX_EXPECTED_TOKENS) {
            text.append(", ... (").append(shown.size() - MAX_EXPECTED_TOKENS).append(" more)");
        }
        return text.toString();
    }

    private static void addExpected(Set<String> expected, String line) {
        String token = line.strip();
        if (token.endsWith("...")) {
            token = token.substring(0, token.length() - 3).strip();
        }
        if (!token.isEmpty()) {
            expected.add(describeToken(token));
        }
    }

    /** Names JavaCC's token classes the way a user thinks of them; keywords stay quoted. */
    private static String describeToken(String token) {
        if (!token.startsWith("<")) {
            return token;
        }
        if (token.equals("<EOF>")) {
            return "end of input";
        }
        if (token.contains("IDENTIFIER")) {
            return "an identifier";
        }
        if (token.contains("STRING")) {
            return "a string";
        }
        if (token.contains("INTEGER_LITERAL")) {
            return "an integer";
        }
        if (token.contains("NUMERIC_LITERAL")) {
            return "a number";
        }
        return token;
    }
}
