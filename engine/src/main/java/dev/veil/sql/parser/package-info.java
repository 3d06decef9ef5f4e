/**
 * Veil's SQL parser: Calcite's grammar with Veil's statements added, generated at build time
 * ({@code VeilSqlParserImpl}, from {@code src/main/codegen}), and the facade {@link
 * dev.veil.sql.parser.VeilParser} that every other layer uses to turn text into
 * {@link org.apache.calcite.sql.SqlNode}s. Syntax errors become {@code VeilException}s with
 * code {@code SYNTAX_ERROR} that name the line and column. Builds the node classes of
 * {@code dev.veil.sql.ast}; depends on nothing else in Veil but its exception type
 * ({@code dev.veil.VeilException}): the parser is a leaf below the rewrite.
 */
package dev.veil.sql.parser;
