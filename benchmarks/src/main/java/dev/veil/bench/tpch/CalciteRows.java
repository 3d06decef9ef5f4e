package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Reads a generated TPC-H {@code .tbl} file into rows of Calcite's internal value representation,
 * for Calcite's enumerable engine to scan from memory.
 *
 * <p>The representation is what Calcite's generated code expects of an {@code Object[]} row:
 * {@code BIGINT} as {@link Long}, {@code INTEGER} as {@link Integer}, {@code DECIMAL(15,2)} as
 * {@link BigDecimal}, {@code DATE} as an {@link Integer} count of days since 1970-01-01, and
 * {@code VARCHAR} as {@link String}. Column types are those of {@link TpchSchema}, so the data
 * is the same as what Veil and DuckDB load from the same file. Equal small values share one
 * object (decimals under 100.00, dates, and the strings of columns with few distinct values), as
 * any in-memory column store would, so that scale factor 1 fits in a few gigabytes of heap.
 */
final class CalciteRows {
    private static final BigDecimal[] SMALL_DECIMALS = smallDecimals(10_000);
    private static final int FIRST_CACHED_DAY = (int) LocalDate.of(1990, 1, 1).toEpochDay();
    private static final Integer[] DAYS =
            days(FIRST_CACHED_DAY, (int) LocalDate.of(2001, 1, 1).toEpochDay());
    /** Columns with more distinct strings than this (names, comments, addresses) are not shared. */
    private static final int MAX_SHARED_STRINGS = 10_000;

    private CalciteRows() {}

    /** The SQL type of each column of {@code table}, the same as in {@link TpchSchema#createTable}. */
    static RelDataType rowType(String table, RelDataTypeFactory types) {
        RelDataTypeFactory.Builder row = types.builder();
        for (TpchColumn<?> column : tpchTable(table).getColumns()) {
            row.add(column.getColumnName(), sqlType(column, types));
        }
        return row.build();
    }

    /** Reads all rows of {@code table} from its generated {@code file}. */
    static List<Object[]> read(String table, Path file) throws IOException {
        requireNonNull(file, "file is null");
        List<? extends TpchColumn<?>> columns = tpchTable(table).getColumns();
        List<Map<String, String>> shared = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            shared.add(new HashMap<>());
        }
        List<Object[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                Object[] row = new Object[columns.size()];
                int start = 0;
                for (int i = 0; i < row.length; i++) {
                    int end = line.indexOf('|', start);
                    if (end < 0) {
                        end = line.length();
                    }
                    if (start > line.length() || (i == row.length - 1) != (end == line.length())) {
                        throw new IOException(file + " line " + lineNumber + ": expected " + row.length + " fields");
                    }
                    row[i] = value(columns.get(i), line, start, end, shared.get(i));
                    start = end + 1;
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(TpchColumn<?> column, String line, int start, int end, Map<String, String> shared) {
        switch (column.getType().getBase()) {
            case IDENTIFIER:
                return Long.parseLong(line, start, end, 10);
            case INTEGER:
                return Integer.parseInt(line, start, end, 10);
            case DOUBLE:
                return decimal(line, start, end);
            case DATE:
                return date(line, start);
            case VARCHAR:
                String text = line.substring(start, end);
                String known = shared.get(text);
                if (known != null) {
                    return known;
                }
                if (shared.size() < MAX_SHARED_STRINGS) {
                    shared.put(text, text);
                }
                return text;
            default:
                throw new IllegalStateException("Unknown TPC-H column type of " + column.getColumnName());
        }
    }

    /** Parses {@code [-]digits.dd}, as {@link TpchData} writes money and quantities. */
    private static BigDecimal decimal(String line, int start, int end) {
        int point = line.indexOf('.', start);
        if (point < 0 || point != end - 3) {
            return new BigDecimal(line.substring(start, end));
        }
        boolean negative = line.charAt(start) == '-';
        long whole = Long.parseLong(line, negative ? start + 1 : start, point, 10);
        long cents = whole * 100 + Integer.parseInt(line, point + 1, end, 10);
        if (!negative && cents < SMALL_DECIMALS.length) {
            return SMALL_DECIMALS[(int) cents];
        }
        return BigDecimal.valueOf(negative ? -cents : cents, 2);
    }

    /** Parses {@code yyyy-MM-dd} into days since the epoch. */
    private static Integer date(String line, int start) {
        int year = Integer.parseInt(line, start, start + 4, 10);
        int month = Integer.parseInt(line, start + 5, start + 7, 10);
        int day = Integer.parseInt(line, start + 8, start + 10, 10);
        int epochDay = (int) LocalDate.of(year, month, day).toEpochDay();
        int index = epochDay - FIRST_CACHED_DAY;
        return index >= 0 && index < DAYS.length ? DAYS[index] : Integer.valueOf(epochDay);
    }

    private static RelDataType sqlType(TpchColumn<?> column, RelDataTypeFactory types) {
        switch (column.getType().getBase()) {
            case IDENTIFIER:
                return types.createSqlType(SqlTypeName.BIGINT);
            case INTEGER:
                return types.createSqlType(SqlTypeName.INTEGER);
            case DOUBLE:
                return types.createSqlType(SqlTypeName.DECIMAL, 15, 2);
            case DATE:
                return types.createSqlType(SqlTypeName.DATE);
            case VARCHAR:
                return types.createSqlType(SqlTypeName.VARCHAR);
            default:
                throw new IllegalStateException("Unknown TPC-H column type of " + column.getColumnName());
        }
    }

    private static TpchTable<?> tpchTable(String table) {
        requireNonNull(table, "table is null");
        if (!TpchSchema.TABLES.contains(table)) {
            throw new IllegalArgumentException("Not a TPC-H table: '" + table + "'");
        }
        return TpchTable.getTable(table);
    }

    private static BigDecimal[] smallDecimals(int count) {
        BigDecimal[] values = new BigDecimal[count];
        for (int cents = 0; cents < count; cents++) {
            values[cents] = BigDecimal.valueOf(cents, 2);
        }
        return values;
    }

    private static Integer[] days(int first, int end) {
        Integer[] values = new Integer[end - first];
        for (int i = 0; i < values.length; i++) {
            values[i] = first + i;
        }
        return values;
    }
}
