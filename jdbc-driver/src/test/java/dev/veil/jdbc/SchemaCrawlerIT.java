package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import schemacrawler.schema.Catalog;
import schemacrawler.schema.Column;
import schemacrawler.schema.ColumnReference;
import schemacrawler.schema.ForeignKey;
import schemacrawler.schema.Schema;
import schemacrawler.schema.Table;
import schemacrawler.schemacrawler.LimitOptionsBuilder;
import schemacrawler.schemacrawler.LoadOptionsBuilder;
import schemacrawler.schemacrawler.SchemaCrawlerOptions;
import schemacrawler.schemacrawler.SchemaCrawlerOptionsBuilder;
import schemacrawler.schemacrawler.SchemaInfoLevelBuilder;
import schemacrawler.tools.utility.SchemaCrawlerUtility;
import us.fatehi.utility.datasource.DatabaseConnectionSources;

/**
 * A crawl by SchemaCrawler 17.9.0 (the library behind many documentation and diagram tools)
 * through the thin driver, as admin and as an analyst, printed as schemas, tables with their
 * types and REMARKS, columns with types, sizes and REMARKS, and foreign keys; each compared with
 * an expected file under {@code src/test/resources/schemacrawler/}. The tables and policies are
 * those of {@link MetadataIT}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SchemaCrawlerIT {
    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            MetadataIT.setUp(s);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void adminCrawl() throws Exception {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            assertEquals(expected("admin.txt"), crawl(c));
        }
    }

    @Test
    void analystCrawl() throws Exception {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "ana", ANA_PASSWORD)) {
            assertEquals(expected("analyst.txt"), crawl(c));
        }
    }

    private static String expected(String name) throws IOException {
        try (InputStream in = SchemaCrawlerIT.class.getResourceAsStream("/schemacrawler/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The crawl of every schema, printed in a stable order; SchemaCrawler must log no warning doing it. */
    private static String crawl(Connection c) throws Exception {
        SchemaCrawlerOptions options = SchemaCrawlerOptionsBuilder.newSchemaCrawlerOptions()
                .withLimitOptions(LimitOptionsBuilder.builder()
                        .includeSchemas(Pattern.compile(".*"))
                        .includeRoutines(Pattern.compile("^$"))
                        .tableTypes(List.of("TABLE", "SYSTEM TABLE"))
                        .toOptions())
                .withLoadOptions(LoadOptionsBuilder.builder()
                        .withSchemaInfoLevel(SchemaInfoLevelBuilder.standard())
                        // SchemaCrawler's own threads share the one connection, as in the tools.
                        .toOptions());
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage()
                            + (record.getThrown() == null ? "" : " " + record.getThrown()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        Catalog catalog;
        try {
            catalog = SchemaCrawlerUtility.getCatalog(DatabaseConnectionSources.fromConnection(c), options);
        } finally {
            root.removeHandler(handler);
        }
        assertEquals(List.of(), warnings);
        List<String> lines = new ArrayList<>();
        List<Schema> schemas = new ArrayList<>(catalog.getSchemas());
        schemas.sort(Comparator.comparing(Schema::getFullName));
        for (Schema schema : schemas) {
            lines.add("schema " + schema.getFullName());
            List<Table> tables = new ArrayList<>(catalog.getTables(schema));
            tables.sort(Comparator.comparing(Table::getFullName));
            for (Table t : tables) {
                lines.add("  " + t.getTableType() + " " + t.getName() + remarks(t.getRemarks()));
                for (Column col : t.getColumns()) {
                    lines.add("    " + col.getName() + " "
                            + col.getColumnDataType().getName() + "(" + col.getSize()
                            + "," + col.getDecimalDigits() + ")" + (col.isNullable() ? "" : " NOT NULL")
                            + remarks(col.getRemarks()));
                }
                List<ForeignKey> keys = new ArrayList<>(t.getImportedForeignKeys());
                keys.sort(Comparator.comparing(ForeignKey::getName));
                for (ForeignKey fk : keys) {
                    for (ColumnReference ref : fk.getColumnReferences()) {
                        lines.add("    foreign key " + fk.getName() + ": "
                                + ref.getForeignKeyColumn().getName() + " -> "
                                + ref.getPrimaryKeyColumn().getFullName());
                    }
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String remarks(String remarks) {
        return remarks == null || remarks.isEmpty() ? "" : " -- " + remarks;
    }
}
