package dev.veil.catalog;

/**
 * The column types Veil stores. Each has one in-memory value representation, the one Calcite's
 * enumerable runtime uses, which every layer exchanges rows in:
 *
 * <table>
 *   <tr><th>type</th><th>Java value</th><th>Arrow vector</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td><td>BitVector</td></tr>
 *   <tr><td>INTEGER</td><td>{@link Integer}</td><td>IntVector</td></tr>
 *   <tr><td>BIGINT</td><td>{@link Long}</td><td>BigIntVector</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double}</td><td>Float8Vector</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>{@link java.math.BigDecimal} of scale s</td><td>DecimalVector</td></tr>
 *   <tr><td>VARCHAR</td><td>{@link String}</td><td>VarCharVector (UTF-8)</td></tr>
 *   <tr><td>DATE</td><td>{@link Integer}: days since 1970-01-01</td><td>DateDayVector</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link Long}: milliseconds since 1970-01-01 00:00 (no time zone)</td><td>TimeStampMilliVector</td></tr>
 * </table>
 *
 * <p>SQL NULL is Java {@code null} for every type.
 */
public enum VeilType {
    BOOLEAN,
    INTEGER,
    BIGINT,
    DOUBLE,
    DECIMAL,
    VARCHAR,
    DATE,
    TIMESTAMP
}
