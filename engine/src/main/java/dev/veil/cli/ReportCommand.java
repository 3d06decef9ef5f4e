package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.server.PasswordFile;
import dev.veil.session.EmbeddedDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil report data-use}: the command-line form of {@code REPORT DATA USE FOR UNIT}, written
 * as a document for the person it is about (JSON, or an HTML page whose every value is escaped),
 * to a new file or to standard output. It runs in-process ({@code --warehouse}) or on a server
 * ({@code --url}), as an admin.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Transparency reports (admins only).",
        subcommands = {ReportCommand.DataUse.class})
final class ReportCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** One use of the person's data: a statement that read a table of theirs. */
    record Use(Instant at, String user, String purpose, String table, List<String> categories, List<String> columns) {}

    @Command(
            name = "data-use",
            mixinStandardHelpOptions = true,
            description = "Which purposes and users read which categories of one person's data, and when"
                    + " (REPORT DATA USE FOR UNIT), as a document to hand to that person.")
    static final class DataUse implements Callable<Integer> {
        private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

        @ArgGroup(exclusive = true, multiplicity = "1")
        SqlCommand.Target target;

        @Option(
                names = "--user",
                paramLabel = "U",
                defaultValue = "admin",
                description = "The admin to run as (default ${DEFAULT-VALUE}).")
        String user;

        @Option(
                names = "--password-file",
                paramLabel = "FILE",
                description = "With --url: a file whose first line is the user's password.")
        Path passwordFile;

        @picocli.CommandLine.Mixin
        KeyOptions keys = new KeyOptions();

        @Option(names = "--unit", required = true, paramLabel = "VALUE", description = "The person's unit value.")
        String unit;

        @Option(
                names = "--table",
                paramLabel = "SCHEMA.TABLE",
                description = "The unit table (default: that of the one consent source).")
        String table;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "html",
                description = "json or html (default ${DEFAULT-VALUE}).")
        String format;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "A new file to write (never overwritten); default: standard output.")
        Path out;

        @Override
        public Integer call() throws SQLException {
            String kind = format.toLowerCase(Locale.ROOT);
            if (!kind.equals("json") && !kind.equals("html")) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT, "--format must be json or html, got '" + format + "'");
            }
            // An encrypted warehouse opened in-process needs its key (--key-file or the environment).
            keys.register(target.warehouse);
            Properties info = new Properties();
            info.setProperty("user", user);
            String url;
            if (target.warehouse != null) {
                if (!Files.isDirectory(target.warehouse)) {
                    throw new VeilException(
                            ErrorCode.WAREHOUSE_NOT_FOUND, "No warehouse at " + target.warehouse.toAbsolutePath());
                }
                if (passwordFile != null) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "--password-file goes with --url; in-process (--warehouse) no password is needed");
                }
                url = EmbeddedDriver.PREFIX + target.warehouse.toAbsolutePath().normalize();
            } else {
                if (passwordFile == null) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "--url needs --password-file with the password of user '" + user + "'");
                }
                url = target.url;
                info.setProperty("password", PasswordFile.read(passwordFile, "password of user '" + user + "'"));
                SqlCommand.requireThinDriver();
            }
            String sql = "REPORT DATA USE FOR UNIT '" + unit.replace("'", "''") + "'"
                    + (table == null ? "" : " OF " + tableName(table));
            List<Use> uses = new ArrayList<>();
            try (Connection connection = DriverManager.getConnection(url, info);
                    Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(sql)) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp("at");
                    uses.add(new Use(
                            at == null ? Instant.EPOCH : Instant.ofEpochMilli(at.getTime()),
                            rs.getString("user_name"),
                            rs.getString("purpose"),
                            rs.getString("table_name"),
                            split(rs.getString("categories")),
                            split(rs.getString("columns_read"))));
                }
            }
            Instant now = Instant.now();
            String document = kind.equals("json") ? json(uses, now) : html(uses, now);
            if (out == null) {
                System.out.print(document);
                System.out.flush();
            } else {
                try {
                    Files.writeString(out, document, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                } catch (FileAlreadyExistsException e) {
                    throw new VeilException(ErrorCode.ALREADY_EXISTS, "The file " + out + " already exists");
                } catch (IOException e) {
                    throw new VeilException(
                            ErrorCode.STORAGE_IO_ERROR, "Cannot write " + out + ": " + e.getMessage(), e);
                }
                System.out.println("Wrote the data use report (" + uses.size() + " uses) to " + out);
            }
            return 0;
        }

        private static List<String> split(String list) {
            if (list == null || list.isBlank()) {
                return List.of();
            }
            return List.of(list.split(", "));
        }

        /** Per purpose: the categories read, how many times, first and last. */
        private record Summary(TreeSet<String> categories, int[] times, Instant[] span) {}

        private static Map<String, Summary> summary(List<Use> uses) {
            Map<String, Summary> result = new LinkedHashMap<>();
            for (Use u : uses) {
                String purpose = u.purpose() == null ? "(none)" : u.purpose();
                Summary s = result.computeIfAbsent(
                        purpose, k -> new Summary(new TreeSet<>(), new int[1], new Instant[] {u.at(), u.at()}));
                s.categories().addAll(u.categories());
                s.times()[0]++;
                if (u.at().isBefore(s.span()[0])) {
                    s.span()[0] = u.at();
                }
                if (u.at().isAfter(s.span()[1])) {
                    s.span()[1] = u.at();
                }
            }
            return result;
        }

        static String json(List<Use> uses, Instant now) {
            StringBuilder j = new StringBuilder();
            j.append("{\n  \"report\": \"data use\",\n  \"generated_at\": ")
                    .append(quote(TIME.format(now)))
                    .append(",\n  \"summary\": [");
            boolean first = true;
            for (Map.Entry<String, Summary> e : summary(uses).entrySet()) {
                j.append(first ? "\n" : ",\n");
                first = false;
                j.append("    {\"purpose\": ")
                        .append(quote(e.getKey()))
                        .append(", \"categories\": ")
                        .append(array(List.copyOf(e.getValue().categories())))
                        .append(", \"uses\": ")
                        .append(e.getValue().times()[0])
                        .append(", \"first\": ")
                        .append(quote(TIME.format(e.getValue().span()[0])))
                        .append(", \"last\": ")
                        .append(quote(TIME.format(e.getValue().span()[1])))
                        .append('}');
            }
            j.append(first ? "],\n" : "\n  ],\n").append("  \"uses\": [");
            first = true;
            for (Use u : uses) {
                j.append(first ? "\n" : ",\n");
                first = false;
                j.append("    {\"at\": ")
                        .append(quote(TIME.format(u.at())))
                        .append(", \"user\": ")
                        .append(quote(u.user()))
                        .append(", \"purpose\": ")
                        .append(quote(u.purpose()))
                        .append(", \"table\": ")
                        .append(quote(u.table()))
                        .append(", \"categories\": ")
                        .append(array(u.categories()))
                        .append(", \"columns\": ")
                        .append(array(u.columns()))
                        .append('}');
            }
            j.append(first ? "]\n}\n" : "\n  ]\n}\n");
            return j.toString();
        }

        static String html(List<Use> uses, Instant now) {
            StringBuilder h = new StringBuilder();
            h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<title>How your data is used</title>\n")
                    .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                            + "td,th{border:1px solid #999;padding:.3em .6em;text-align:left}</style>\n")
                    .append("</head>\n<body>\n<h1>How your data is used</h1>\n")
                    .append("<p>Generated ")
                    .append(escape(TIME.format(now)))
                    .append(". Each line below is one use of your data: when it was read, by whom, for which")
                    .append(" purpose, and which kinds (categories) of your data it read.</p>\n");
            if (uses.isEmpty()) {
                h.append("<p>No recorded use of your data.</p>\n");
            } else {
                h.append("<h2>By purpose</h2>\n<table>\n<tr><th>Purpose</th><th>Categories of data</th>")
                        .append("<th>Uses</th><th>First</th><th>Last</th></tr>\n");
                for (Map.Entry<String, Summary> e : summary(uses).entrySet()) {
                    h.append("<tr><td>")
                            .append(escape(e.getKey()))
                            .append("</td><td>")
                            .append(escape(String.join(", ", e.getValue().categories())))
                            .append("</td><td>")
                            .append(e.getValue().times()[0])
                            .append("</td><td>")
                            .append(escape(TIME.format(e.getValue().span()[0])))
                            .append("</td><td>")
                            .append(escape(TIME.format(e.getValue().span()[1])))
                            .append("</td></tr>\n");
                }
                h.append("</table>\n<h2>Every use</h2>\n<table>\n<tr><th>When</th><th>Who</th><th>Purpose</th>")
                        .append("<th>Data</th><th>Categories</th><th>Fields</th></tr>\n");
                for (Use u : uses) {
                    h.append("<tr><td>")
                            .append(escape(TIME.format(u.at())))
                            .append("</td><td>")
                            .append(escape(u.user()))
                            .append("</td><td>")
                            .append(escape(u.purpose() == null ? "(none)" : u.purpose()))
                            .append("</td><td>")
                            .append(escape(u.table()))
                            .append("</td><td>")
                            .append(escape(String.join(", ", u.categories())))
                            .append("</td><td>")
                            .append(escape(String.join(", ", u.columns())))
                            .append("</td></tr>\n");
                }
                h.append("</table>\n");
            }
            h.append("</body>\n</html>\n");
            return h.toString();
        }

        /** Text as HTML element content or attribute value. */
        static String escape(String text) {
            if (text == null) {
                return "";
            }
            StringBuilder s = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '&' -> s.append("&amp;");
                    case '<' -> s.append("&lt;");
                    case '>' -> s.append("&gt;");
                    case '"' -> s.append("&quot;");
                    case '\'' -> s.append("&#39;");
                    default -> s.append(c);
                }
            }
            return s.toString();
        }

        static String quote(String text) {
            if (text == null) {
                return "null";
            }
            StringBuilder s = new StringBuilder("\"");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
                    case '\n' -> s.append("\\n");
                    case '\r' -> s.append("\\r");
                    case '\t' -> s.append("\\t");
                    default -> {
                        if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
                            s.append(String.format("\\u%04x", (int) c));
                        } else {
                            s.append(c);
                        }
                    }
                }
            }
            return s.append('"').toString();
        }

        private static String array(List<String> items) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                s.append(i == 0 ? "" : ", ").append(quote(items.get(i)));
            }
            return s.append(']').toString();
        }

        private static String tableName(String name) {
            String[] parts = name.split("\\.", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "--table must be SCHEMA.TABLE, e.g. shop.customers; got '" + name + "'");
            }
            StringBuilder sql = new StringBuilder();
            for (String part : parts) {
                if (sql.length() > 0) {
                    sql.append('.');
                }
                sql.append(PLAIN.matcher(part).matches() ? part : "\"" + part.replace("\"", "\"\"") + "\"");
            }
            return sql.toString();
        }
    }
}
