package dev.veil.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Prints JDBC result sets as an aligned table, RFC 4180 CSV, or JSON lines. */
abstract class ResultPrinter {
    /** Output formats of {@code veil sql}. */
    enum Format {
        table,
        csv,
        json
    }

    static ResultPrinter of(Format format, PrintStream out) {
        return switch (format) {
            case table -> new TablePrinter(out);
            case csv -> new CsvPrinter(out);
            case json -> new JsonPrinter(out);
        };
    }

    abstract void print(ResultSet rs) throws SQLException;

    /** A value as text; null for SQL NULL. Decimals print without exponent. */
    static String text(ResultSet rs, int column, int type) throws SQLException {
        if (type == Types.DECIMAL || type == Types.NUMERIC) {
            BigDecimal d = rs.getBigDecimal(column);
            return d == null ? null : d.toPlainString();
        }
        String s = rs.getString(column);
        return rs.wasNull() ? null : s;
    }

    /** Column labels and JDBC types of a result. */
    record Columns(List<String> labels, int[] types) {
        static Columns of(ResultSet rs) throws SQLException {
            ResultSetMetaData md = rs.getMetaData();
            List<String> labels = new ArrayList<>();
            int[] types = new int[md.getColumnCount()];
            for (int i = 1; i <= types.length; i++) {
                labels.add(md.getColumnLabel(i));
                types[i - 1] = md.getColumnType(i);
            }
            return new Columns(labels, types);
        }
    }

    /** Aligned columns with a header and a row count; buffers the rows to size the columns. */
    static final class TablePrinter extends ResultPrinter {
        private final PrintStream out;

        TablePrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        void print(ResultSet rs) throws SQLException {
            Columns columns = Columns.of(rs);
            int n = columns.types().length;
            List<String[]> rows = new ArrayList<>();
            int[] widths = new int[n];
            for (int i = 0; i < n; i++) {
                widths[i] = columns.labels().get(i).length();
            }
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    String v = text(rs, i + 1, columns.types()[i]);
                    row[i] = v == null ? "NULL" : v;
                    widths[i] = Math.max(widths[i], row[i].length());
                }
                rows.add(row);
            }
            printLine(columns.labels().toArray(new String[0]), widths, columns.types(), true);
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < n; i++) {
                rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
            }
            out.println(rule);
            for (String[] row : rows) {
                printLine(row, widths, columns.types(), false);
            }
            out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
        }

        private void printLine(String[] values, int[] widths, int[] types, boolean header) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    line.append(" | ");
                }
                boolean right = !header && isNumeric(types[i]);
                String pad = " ".repeat(widths[i] - values[i].length());
                line.append(right ? pad + values[i] : values[i] + (i == values.length - 1 ? "" : pad));
            }
            out.println(line);
        }

        private static boolean isNumeric(int type) {
            return switch (type) {
                case Types.TINYINT,
                        Types.SMALLINT,
                        Types.INTEGER,
                        Types.BIGINT,
                        Types.DECIMAL,
                        Types.NUMERIC,
                        Types.DOUBLE,
                        Types.FLOAT,
                        Types.REAL -> true;
                default -> false;
            };
        }
    }

    /** A header line, then one RFC 4180 line per row; NULL is an empty field. */
    static final class CsvPrinter extends ResultPrinter {
        private final PrintStream out;

        CsvPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        void print(ResultSet rs) throws SQLException {
            Columns columns = Columns.of(rs);
            int n = columns.types().length;
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                line.append(i == 0 ? "" : ",").append(quote(columns.labels().get(i)));
            }
            out.print(line.append("\r\n"));
            while (rs.next()) {
                line.setLength(0);
                for (int i = 0; i < n; i++) {
                    String v = text(rs, i + 1, columns.types()[i]);
                    line.append(i == 0 ? "" : ",").append(v == null ? "" : quote(v));
                }
                out.print(line.append("\r\n"));
            }
            out.flush();
        }

        static String quote(String v) {
            if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
                return v;
            }
            return '"' + v.replace("\"", "\"\"") + '"';
        }
    }

    /** One JSON object per row and line; numbers and booleans unquoted, NULL as null. */
    static final class JsonPrinter extends ResultPrinter {
        private final PrintStream out;

        JsonPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        void print(ResultSet rs) throws SQLException {
            Columns columns = Columns.of(rs);
            int n = columns.types().length;
            StringBuilder line = new StringBuilder();
            while (rs.next()) {
                line.setLength(0);
                line.append('{');
                for (int i = 0; i < n; i++) {
                    line.append(i == 0 ? "" : ",")
                            .append(string(columns.labels().get(i)))
                            .append(':');
                    String v = text(rs, i + 1, columns.types()[i]);
                    if (v == null) {
                        line.append("null");
                    } else if (bare(columns.types()[i], v)) {
                        line.append(v);
                    } else {
                        line.append(string(v));
                    }
                }
                out.println(line.append('}'));
            }
            out.flush();
        }

        private static boolean bare(int type, String v) {
            return switch (type) {
                case Types.TINYINT,
                        Types.SMALLINT,
                        Types.INTEGER,
                        Types.BIGINT,
                        Types.DECIMAL,
                        Types.NUMERIC,
                        Types.BOOLEAN -> true;
                case Types.DOUBLE, Types.FLOAT, Types.REAL -> !v.equals("NaN") && !v.contains("Infinity");
                default -> false;
            };
        }

        static String string(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }
}
