package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.server.PasswordFile;
import dev.veil.session.EmbeddedDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil export-unit}: the command-line form of {@code EXPORT PRIVACY UNIT}. It runs the
 * statement in-process ({@code --warehouse}) or on a server ({@code --url}; then the file is
 * written by the server, on the server's machine). The unit's value goes to the statement as a
 * string literal, which the statement converts to the unit column's type.
 */
@Command(
        name = "export-unit",
        mixinStandardHelpOptions = true,
        description = "Export every row of one privacy unit (a person), in every table that reaches it, to a new"
                + " file (EXPORT PRIVACY UNIT; admins only).")
final class ExportUnitCommand implements Callable<Integer> {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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

    @Option(
            names = "--table",
            required = true,
            paramLabel = "SCHEMA.TABLE",
            description = "The unit table: the table whose PRIVACY UNIT column identifies the person.")
    String table;

    @Option(names = "--unit", required = true, paramLabel = "VALUE", description = "The unit's value, e.g. 7731.")
    String unit;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "The new file to write (never overwritten; with --url, a path on the server's machine).")
    String out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "json",
            description = "json or csv (default ${DEFAULT-VALUE}).")
    String format;

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() throws SQLException {
        keys.register(target.warehouse);
        Properties info = new Properties();
        info.setProperty("user", user);
        String url;
        String file = out;
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
            file = Path.of(out).toAbsolutePath().toString();
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
        String formatName = format.toUpperCase(Locale.ROOT);
        if (!formatName.equals("JSON") && !formatName.equals("CSV")) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "--format must be json or csv, got '" + format + "'");
        }
        String sql = "EXPORT PRIVACY UNIT " + literal(unit) + " OF " + tableName(table) + " TO " + literal(file)
                + " FORMAT " + formatName;
        try (Connection connection = DriverManager.getConnection(url, info);
                Statement statement = connection.createStatement()) {
            long rows = statement.executeLargeUpdate(sql);
            System.out.println("Exported " + rows + (rows == 1 ? " row" : " rows") + " to " + file);
        }
        return 0;
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** {@code s.t} as SQL: plain parts as written (folded to lower case), others quoted. */
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
