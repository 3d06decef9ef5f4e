package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ConnectionDef;
import dev.veil.catalog.ForeignTableDef;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.RemoteKind;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlCreateConnection;
import dev.veil.sql.ast.SqlCreateForeignTable;
import dev.veil.sql.ast.SqlDropObject;
import dev.veil.sql.ast.SqlImportForeignSchema;
import dev.veil.sql.ast.SqlRefreshForeignTable;
import dev.veil.storage.RemoteDatabase;
import dev.veil.storage.RemoteDatabases;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Executes the admin statements of connections and foreign tables: {@code CREATE CONNECTION},
 * {@code DROP CONNECTION}, {@code CREATE FOREIGN TABLE}, {@code IMPORT FOREIGN SCHEMA} and
 * {@code REFRESH FOREIGN TABLE}. A connection's URL must be one of its kind's JDBC URLs (so no
 * other driver on Veil's class path, such as SQLite's, can be reached through it), and it must
 * answer before it is stored. No message here ever holds the password.
 */
final class ForeignTableStatements {
    private ForeignTableStatements() {}

    static UpdateCount createConnection(SqlCreateConnection node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "connection");
        RemoteKind kind = kind(node.kind().getSimple());
        String prefix = kind == RemoteKind.POSTGRESQL ? "jdbc:postgresql:" : "jdbc:trino:";
        if (!node.url().startsWith(prefix)) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The URL of a " + kind + " connection must begin with '" + prefix + "'");
        }
        if (node.passwordFile().isEmpty() && kind != RemoteKind.TRINO) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "A " + kind + " connection needs PASSWORD FILE '<path>'");
        }
        String password = node.passwordFile().map(f -> password(Path.of(f))).orElse("");
        ConnectionDef connection = new ConnectionDef(name, kind, node.url(), node.user(), password);
        ForeignTables store = store(context);
        if (node.ifNotExists() && store.connection(name).isPresent()) {
            return new UpdateCount(0, "Connection " + name + " already exists");
        }
        // Connect once before storing, so a wrong URL, user or password is found now.
        RemoteDatabase probe = new RemoteDatabase(connection);
        try {
            probe.release(probe.borrow(new AtomicBoolean()), false);
        } finally {
            probe.close();
        }
        store.createConnection(
                connection, node.ifNotExists(), context.principal().name());
        return new UpdateCount(0, "Connection " + name + " created");
    }

    static UpdateCount dropConnection(SqlDropObject node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "connection");
        boolean dropped = store(context).dropConnection(name, node.ifExists());
        context.warehouse().remotes().forget(name);
        return new UpdateCount(
                0, dropped ? "Connection " + name + " dropped" : "Connection " + name + " does not exist");
    }

    static UpdateCount createForeignTable(SqlCreateForeignTable node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        String connection = SqlNames.simpleName(node.connection(), "connection");
        String remote = node.remote();
        int dot = remote.lastIndexOf('.');
        if (dot <= 0 || dot == remote.length() - 1) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "REMOTE must name the remote table as 'schema.table' (Trino: 'catalog.schema.table'), got '"
                            + remote + "'");
        }
        RemoteDatabase database = context.warehouse().remotes().get(connection);
        RemoteDatabase.RemoteTable table = database.describe(remote.substring(0, dot), remote.substring(dot + 1));
        store(context).create(name, table.columns(), connection, table.schema(), table.table(), table.rowCount());
        return new UpdateCount(
                0, "Foreign table " + name + " created (" + table.columns().size() + " columns, from " + remote + ")");
    }

    static UpdateCount importForeignSchema(SqlImportForeignSchema node, StatementContext context) {
        String connection = SqlNames.simpleName(node.connection(), "connection");
        String schema = SqlNames.simpleName(node.schema(), "schema");
        if (!context.warehouse().catalog().schemaExists(schema)) {
            throw new VeilException(ErrorCode.UNKNOWN_SCHEMA, "Schema '" + schema + "' does not exist");
        }
        RemoteDatabase database = context.warehouse().remotes().get(connection);
        Set<String> existing = context.warehouse().catalog().tables(schema).stream()
                .map(t -> t.name().table())
                .collect(Collectors.toSet());
        List<String> created = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String remoteTable : database.tables(node.remoteSchema())) {
            String local = remoteTable.toLowerCase(Locale.ROOT);
            if (existing.contains(local)) {
                skipped.add(remoteTable + " (a table of that name exists)");
                continue;
            }
            RemoteDatabase.RemoteTable table;
            try {
                table = database.describe(node.remoteSchema(), remoteTable);
            } catch (VeilException e) {
                if (e.errorCode() != ErrorCode.UNSUPPORTED_REMOTE_TYPE) {
                    throw e;
                }
                skipped.add(remoteTable + " (" + e.getMessage() + ")");
                continue;
            }
            store(context)
                    .create(
                            new TableName(schema, local),
                            table.columns(),
                            connection,
                            table.schema(),
                            table.table(),
                            table.rowCount());
            created.add(local);
        }
        return new UpdateCount(
                created.size(),
                "Imported " + created.size() + " foreign table(s) into " + schema + (created.isEmpty() ? "" : ": ")
                        + String.join(", ", created)
                        + (skipped.isEmpty() ? "" : "; skipped " + String.join("; ", skipped)));
    }

    static UpdateCount refreshForeignTable(SqlRefreshForeignTable node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        TableDef table = context.warehouse().catalog().requireTable(name);
        ForeignTables store = store(context);
        ForeignTableDef foreign = store.foreignTable(table.id())
                .orElseThrow(() ->
                        new VeilException(ErrorCode.INVALID_STATEMENT, "Table '" + name + "' is not a foreign table"));
        RemoteDatabases remotes = context.warehouse().remotes();
        RemoteDatabase.RemoteTable remote =
                remotes.get(foreign.connection()).describe(foreign.remoteSchema(), foreign.remoteTable());
        List<Column> columns = remote.columns();
        store.refresh(table, columns, remote.rowCount());
        return new UpdateCount(0, "Foreign table " + name + " refreshed (" + columns.size() + " columns)");
    }

    private static ForeignTables store(StatementContext context) {
        return new ForeignTables(context.warehouse().sqliteCatalog());
    }

    private static RemoteKind kind(String written) {
        try {
            return RemoteKind.valueOf(written.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "Unknown connection TYPE '" + written + "'; use POSTGRESQL or TRINO");
        }
    }

    /** The password in the file (its first line), read now; the file's content is never echoed. */
    private static String password(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            String password = (end < 0 ? content : content.substring(0, end)).strip();
            if (password.isEmpty()) {
                throw new VeilException(ErrorCode.INVALID_ARGUMENT, "Password file '" + file + "' is empty");
            }
            return password;
        } catch (NoSuchFileException e) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "Password file '" + file + "' does not exist", e);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.FILE_NOT_FOUND,
                    "Cannot read password file '" + file + "': " + e.getClass().getSimpleName());
        }
    }
}
