package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.Principals;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.storage.TableWriter;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The small warehouses of the neighbouring-database property test: the same schema and policies,
 * and data that differ by one privacy unit (person {@value #NEIGHBOUR}) or only by the order in
 * which the rows were inserted.
 *
 * <p>Schema {@code nb} (all reached through the embedded driver, {@code jdbc:veil:embedded:DIR}):
 *
 * <ul>
 *   <li>{@code nb.persons}: privacy unit {@code pid}, MIN GROUP SIZE 3 (deterministic answers), a
 *       JOIN ONLY {@code ssn}, an AGGREGATE ONLY BOUNDS (0, 100) {@code score};</li>
 *   <li>{@code nb.visits}: unit VIA {@code pid} REFERENCES {@code nb.persons (pid)},
 *       differentially private (EPSILON 1, 2 groups and 3 rows per unit), {@code cost} bounded
 *       to (0, 1000), {@code clinic} with a public domain (no partition selection), {@code ward} 1
 *       for most base persons (released by partition selection in most runs), 2 for one in ten,
 *       and the INTEGER limits for the neighbour;</li>
 *   <li>{@code nb.items}: unit VIA {@code visit_id} REFERENCES {@code nb.visits (visit_id)} (a
 *       two-step path), MIN GROUP SIZE 3, {@code dose} bounded to (0, 10);</li>
 *   <li>{@code nb.clinics}: public;</li>
 *   <li>{@code nb.consents}: the consent source of {@code nb.persons (pid)}; {@code nb.visits} and
 *       {@code nb.items} are CONSENT REQUIRED ({@code memo} is 'notes', {@code drug} 'health'), and
 *       the analyst's default purpose is {@code research}: most base persons consent, and the
 *       neighbour's consent rows are part of its data (absent from the base warehouse);</li>
 *   <li>{@code lab.guess}: created by the analyst (CREATE TABLE AS), a list of guessed
 *       {@code ssn} values: every base person's but the first three;</li>
 *   <li>{@code lab.days}, {@code lab.ids} and {@code lab.wards}: created by the analyst, key sets
 *       {@code (k, tag)} of visit days, visit ids and wards: some base keys and every key only the
 *       neighbour has.</li>
 * </ul>
 *
 * <p>The neighbour is added at its largest contribution: five {@code persons} rows (the unit
 * column need not be unique), twenty visits in every clinic, two items per visit, and carries
 * the values that break careless code: the largest and smallest INTEGER and BIGINT, NULL, NaN,
 * plus and minus Infinity, +-1e308, dates at the ends of the calendar, a 70,000-character text,
 * an invalid regular expression, a non-numeric code and a diagnosis no one else has
 * ({@value #RARE_DIAGNOSIS}). Base values are all ordinary, so anything that fails, grows or
 * turns non-finite on the neighbour's values and not on the others' depends on that one unit.
 */
public final class NeighbourWarehouse {
    /** The neighbour's privacy unit (base persons are 1..{@value #BASE_PERSONS}). */
    public static final long NEIGHBOUR = 1000;

    public static final int BASE_PERSONS = 60;
    /** The first of the neighbour's visit ids (base visit ids are below 1,000). */
    public static final long NEIGHBOUR_VISITS = 10_000;

    public static final String RARE_DIAGNOSIS = "HIV";
    /** The length of the neighbour's long texts, above the 64 KiB cap. */
    public static final int LONG_TEXT = 70_000;

    public static final List<String> CITIES = List.of("Lyon", "Porto", "Ghent", "Graz");
    public static final List<String> CLINICS = List.of("A", "B", "C", "D");
    public static final List<String> DIAGNOSES = List.of("flu", "cold", "none", "asthma");
    public static final List<String> KINDS = List.of("check", "lab", "surgery");
    public static final List<String> DRUGS = List.of("d1", "d2", "d3", "d4", "d5");

    /** Which data a warehouse holds, and in which order its rows were inserted. */
    public enum Variant {
        /** The base persons only. */
        BASE,
        /** The base persons, then the neighbour's rows. */
        NEIGHBOUR_LAST,
        /** The neighbour's rows first, then the base rows in reverse order, in other batches. */
        NEIGHBOUR_FIRST
    }

    private static final List<String> POLICIES = List.of(
            "ALTER TABLE nb.persons SET PRIVACY UNIT (pid)",
            "ALTER TABLE nb.persons SET MIN GROUP SIZE 3",
            "ALTER TABLE nb.persons ALTER COLUMN ssn SET POLICY JOIN ONLY",
            "ALTER TABLE nb.persons ALTER COLUMN score SET POLICY AGGREGATE ONLY BOUNDS (0, 100)",
            "ALTER TABLE nb.visits SET PRIVACY UNIT VIA (pid) REFERENCES nb.persons (pid)",
            "ALTER TABLE nb.visits SET DIFFERENTIAL PRIVACY (EPSILON 1, MAX GROUPS PER UNIT 2,"
                    + " MAX ROWS PER UNIT PER GROUP 3)",
            "ALTER TABLE nb.visits ALTER COLUMN cost SET POLICY AGGREGATE ONLY BOUNDS (0, 1000)",
            "ALTER TABLE nb.visits ALTER COLUMN clinic SET DOMAIN REFERENCES nb.clinics (clinic)",
            "ALTER TABLE nb.items SET PRIVACY UNIT VIA (visit_id) REFERENCES nb.visits (visit_id)",
            "ALTER TABLE nb.items SET MIN GROUP SIZE 3",
            "ALTER TABLE nb.items ALTER COLUMN dose SET POLICY AGGREGATE ONLY BOUNDS (0, 10)",
            // Views over the protected tables: the generator reads them as it reads the tables.
            "CREATE VIEW nb.persons_v AS SELECT * FROM nb.persons",
            "CREATE VIEW nb.visits_v AS SELECT * FROM nb.visits",
            "CREATE PRIVACY BUDGET nb_budget LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER",
            "ALTER ROLE analyst SET PRIVACY BUDGET nb_budget",
            // Consent (#19): visits and items are visible only with their person's consent for the
            // analyst's default purpose, covering the categories each statement reads.
            "CREATE PURPOSE research",
            "ALTER ROLE analyst SET PURPOSE research",
            "ALTER TABLE nb.visits ALTER COLUMN memo SET CATEGORY notes",
            "ALTER TABLE nb.items ALTER COLUMN drug SET CATEGORY health",
            "ALTER TABLE nb.consents SET CONSENT SOURCE (UNIT unit_id REFERENCES nb.persons (pid), PURPOSE purpose,"
                    + " CATEGORY category, GRANTED granted_at, EXPIRES expires_at, WITHDRAWN withdrawn_at)",
            "ALTER TABLE nb.visits SET CONSENT REQUIRED",
            "ALTER TABLE nb.items SET CONSENT REQUIRED");

    /**
     * The tables placed in PostgreSQL by {@link #createForeign}, in PostgreSQL's types and the
     * columns' order of {@link #create}; the consent source {@code nb.consents} stays a table Veil
     * stores (a foreign table cannot be a consent source).
     */
    private static final java.util.LinkedHashMap<String, List<String>> REMOTE_TABLES = remoteTables();

    private static java.util.LinkedHashMap<String, List<String>> remoteTables() {
        java.util.LinkedHashMap<String, List<String>> tables = new java.util.LinkedHashMap<>();
        tables.put("clinics", List.of("clinic varchar", "region varchar", "beds integer"));
        tables.put(
                "persons",
                List.of(
                        "pid bigint",
                        "city varchar",
                        "age integer",
                        "diagnosis varchar",
                        "ssn varchar",
                        "note varchar",
                        "code varchar",
                        "score double precision",
                        "ratio double precision",
                        "big bigint",
                        "born date"));
        tables.put(
                "visits",
                List.of(
                        "visit_id bigint",
                        "pid bigint",
                        "clinic varchar",
                        "cost double precision",
                        "kind varchar",
                        "day date",
                        "memo varchar",
                        "ward integer"));
        tables.put(
                "items",
                List.of("item_id bigint", "visit_id bigint", "drug varchar", "qty integer", "dose double precision"));
        return tables;
    }

    private NeighbourWarehouse() {}

    /**
     * Creates the warehouse {@code dir} (which must not exist yet) whose tables live in
     * PostgreSQL: {@code variant}'s rows are inserted, in the same order and batches as by
     * {@link #create}, into schema {@code nb} of a new database {@code database} of
     * {@code postgres} (all but the consent source {@code nb.consents}, which Veil stores, filled
     * alike); Veil imports that schema as foreign tables into its schema {@code nb} and applies the
     * same policies, consent included.
     */
    public static Path createForeign(
            Path dir, Variant variant, dev.veil.exec.remote.PostgresServer postgres, String database)
            throws SQLException, java.io.IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(variant, "variant is null");
        requireNonNull(postgres, "postgres is null");
        postgres.createDatabase(database);
        try (Connection pg = postgres.connect(database);
                Statement s = pg.createStatement()) {
            s.execute("CREATE SCHEMA nb");
            for (var table : REMOTE_TABLES.entrySet()) {
                s.execute("CREATE TABLE nb." + table.getKey() + " (" + String.join(", ", table.getValue()) + ")");
            }
            fillRemote(variant, (table, rows, reversed) -> insert(pg, table, rows, reversed));
            s.execute("ANALYZE");
        }
        Path passwordFile = postgres.passwordFile(
                java.nio.file.Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-pg")));
        return finishForeign(
                dir,
                variant,
                "CREATE CONNECTION nb_pg TYPE POSTGRESQL URL '" + postgres.url(database) + "' USER '"
                        + dev.veil.exec.remote.PostgresServer.USER + "' PASSWORD FILE '" + passwordFile + "'",
                "IMPORT FOREIGN SCHEMA nb FROM CONNECTION nb_pg INTO nb");
    }

    /**
     * Creates the warehouse {@code dir} (which must not exist yet) whose tables live in Trino's
     * {@code memory} catalog, schema {@code schema}: as {@link #createForeign}, with Trino's types
     * and each commit of 10 rows one {@code INSERT ... VALUES} statement.
     */
    public static Path createForeignTrino(
            Path dir, Variant variant, dev.veil.exec.remote.TrinoServer trino, String schema)
            throws SQLException, java.io.IOException {
        requireNonNull(dir, "dir is null");
        requireNonNull(variant, "variant is null");
        requireNonNull(trino, "trino is null");
        String remote = "memory." + schema;
        try (Connection t = trino.connect();
                Statement s = t.createStatement()) {
            s.execute("CREATE SCHEMA " + remote);
            for (var table : REMOTE_TABLES.entrySet()) {
                s.execute("CREATE TABLE " + remote + "." + table.getKey() + " ("
                        + String.join(", ", table.getValue()).replace("double precision", "double") + ")");
            }
            fillRemote(variant, (table, rows, reversed) -> insertLiterals(s, remote, table, rows, reversed));
        }
        return finishForeign(
                dir,
                variant,
                "CREATE CONNECTION nb_trino TYPE TRINO URL '" + trino.url() + "' USER '"
                        + dev.veil.exec.remote.TrinoServer.USER + "'",
                "IMPORT FOREIGN SCHEMA '" + remote + "' FROM CONNECTION nb_trino INTO nb");
    }

    /** Inserts rows into a remote table, in the given order or reversed. */
    private interface RemoteInsert {
        void insert(String table, List<Object[]> rows, boolean reversed) throws SQLException;
    }

    /**
     * Fills the remote tables with {@code variant}'s rows through {@code insert}, in the order and
     * batches {@link #create} writes them: the clinics, then each of persons, visits and items with
     * the neighbour's rows after the base's ({@code NEIGHBOUR_LAST}) or, reversed, before them.
     */
    private static void fillRemote(Variant variant, RemoteInsert insert) throws SQLException {
        insert.insert(
                "clinics",
                List.of(
                        new Object[] {"A", "north", 10},
                        new Object[] {"B", "north", 20},
                        new Object[] {"C", "south", 30},
                        new Object[] {"D", "south", 40}),
                false);
        List<String> names = List.of("persons", "visits", "items");
        List<List<Object[]>> base = List.of(basePersons(), baseVisits(), baseItems());
        List<List<Object[]>> neighbour = List.of(neighbourPersons(), neighbourVisits(), neighbourItems());
        for (int t = 0; t < names.size(); t++) {
            switch (variant) {
                case BASE -> insert.insert(names.get(t), base.get(t), false);
                case NEIGHBOUR_LAST -> {
                    insert.insert(names.get(t), base.get(t), false);
                    insert.insert(names.get(t), neighbour.get(t), false);
                }
                case NEIGHBOUR_FIRST -> {
                    insert.insert(names.get(t), neighbour.get(t), true);
                    insert.insert(names.get(t), base.get(t), true);
                }
            }
        }
    }

    /**
     * Inserts {@code rows} into Trino's {@code remote.table}, 10 rows per statement as {@link #write}
     * commits them, written as literals (Trino runs each row of a JDBC batch as a query of its own).
     */
    private static void insertLiterals(
            Statement trino, String remote, String table, List<Object[]> rows, boolean reversed) throws SQLException {
        List<String> columns = REMOTE_TABLES.get(table);
        List<Object[]> ordered = new ArrayList<>(rows);
        if (reversed) {
            Collections.reverse(ordered);
        }
        for (int from = 0; from < ordered.size(); from += 10) {
            List<String> values = new ArrayList<>();
            for (Object[] row : ordered.subList(from, Math.min(ordered.size(), from + 10))) {
                List<String> literals = new ArrayList<>();
                for (int c = 0; c < columns.size(); c++) {
                    String type = columns.get(c).substring(columns.get(c).indexOf(' ') + 1);
                    Object value = row[c];
                    literals.add(
                            value == null
                                    ? "NULL"
                                    : switch (type) {
                                        case "date" -> "DATE '" + LocalDate.ofEpochDay((Integer) value) + "'";
                                        case "bigint", "integer" -> value.toString();
                                        case "double precision" -> "CAST('" + value + "' AS DOUBLE)";
                                        default -> "'" + value.toString().replace("'", "''") + "'";
                                    });
                }
                values.add("(" + String.join(", ", literals) + ")");
            }
            trino.execute("INSERT INTO " + remote + "." + table + " VALUES " + String.join(", ", values));
        }
    }

    /**
     * The Veil side of a warehouse whose tables are remote: users, the consent source {@code
     * nb.consents} stored by Veil and filled as {@code variant} says, a connection made by {@code
     * connection}, the remote tables imported into {@code nb} by {@code importSchema}, and the policies.
     */
    private static Path finishForeign(Path dir, Variant variant, String connection, String importSchema)
            throws SQLException {
        try (Warehouse warehouse = Warehouse.create(dir)) {
            warehouse.catalog().createSchema("public", true);
            Principals principals = new Principals(warehouse.sqliteCatalog());
            principals.createUser(Principals.ADMIN, "nb-admin-pw-long-enough", Principals.ADMIN, false);
            principals.createUser(Principals.ANALYST, "nb-analyst-pw", Principals.ANALYST, false);
            warehouse.catalog().createSchema("nb", false);
            TableDef consents = consentsTable(warehouse);
            switch (variant) {
                case BASE -> write(warehouse, consents, baseConsents(), false);
                case NEIGHBOUR_LAST -> {
                    write(warehouse, consents, baseConsents(), false);
                    write(warehouse, consents, neighbourConsents(), false);
                }
                case NEIGHBOUR_FIRST -> {
                    write(warehouse, consents, neighbourConsents(), true);
                    write(warehouse, consents, baseConsents(), true);
                }
            }
        }
        try (Connection admin = connect(dir, Principals.ADMIN);
                Statement s = admin.createStatement()) {
            s.execute(connection);
            s.execute(importSchema);
            for (String policy : POLICIES) {
                s.execute(policy);
            }
        }
        createGuesses(dir);
        return dir;
    }

    /** Inserts {@code rows} into PostgreSQL's {@code nb.table}, in commits of 10 rows, as {@link #write} does. */
    private static void insert(Connection pg, String table, List<Object[]> rows, boolean reversed) throws SQLException {
        List<String> columns = REMOTE_TABLES.get(table);
        List<Object[]> ordered = new ArrayList<>(rows);
        if (reversed) {
            Collections.reverse(ordered);
        }
        String sql = "INSERT INTO nb." + table + " VALUES ("
                + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        try (java.sql.PreparedStatement insert = pg.prepareStatement(sql)) {
            for (int from = 0; from < ordered.size(); from += 10) {
                for (Object[] row : ordered.subList(from, Math.min(ordered.size(), from + 10))) {
                    for (int c = 0; c < columns.size(); c++) {
                        String type = columns.get(c).substring(columns.get(c).indexOf(' ') + 1);
                        Object value = row[c];
                        switch (type) {
                            case "date" ->
                                insert.setObject(
                                        c + 1,
                                        value == null ? null : LocalDate.ofEpochDay((Integer) value),
                                        java.sql.Types.DATE);
                            case "timestamp" ->
                                insert.setObject(
                                        c + 1,
                                        value == null
                                                ? null
                                                : java.time.LocalDateTime.ofEpochSecond(
                                                        Math.floorDiv((Long) value, 1000L),
                                                        (int) Math.floorMod((Long) value, 1000L) * 1_000_000,
                                                        java.time.ZoneOffset.UTC),
                                        java.sql.Types.TIMESTAMP);
                            case "bigint" -> insert.setObject(c + 1, value, java.sql.Types.BIGINT);
                            case "integer" -> insert.setObject(c + 1, value, java.sql.Types.INTEGER);
                            case "double precision" -> insert.setObject(c + 1, value, java.sql.Types.DOUBLE);
                            default -> insert.setObject(c + 1, value, java.sql.Types.VARCHAR);
                        }
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    /** Creates the warehouse {@code dir} (which must not exist yet) holding {@code variant}'s data. */
    public static Path create(Path dir, Variant variant) throws SQLException {
        requireNonNull(dir, "dir is null");
        requireNonNull(variant, "variant is null");
        try (Warehouse warehouse = Warehouse.create(dir)) {
            warehouse.catalog().createSchema("public", true);
            Principals principals = new Principals(warehouse.sqliteCatalog());
            principals.createUser(Principals.ADMIN, "nb-admin-pw-long-enough", Principals.ADMIN, false);
            principals.createUser(Principals.ANALYST, "nb-analyst-pw", Principals.ANALYST, false);
            warehouse.catalog().createSchema("nb", false);
            TableDef clinics = table(
                    warehouse,
                    "clinics",
                    col("clinic", VeilType.VARCHAR),
                    col("region", VeilType.VARCHAR),
                    col("beds", VeilType.INTEGER));
            TableDef persons = table(
                    warehouse,
                    "persons",
                    col("pid", VeilType.BIGINT),
                    col("city", VeilType.VARCHAR),
                    col("age", VeilType.INTEGER),
                    col("diagnosis", VeilType.VARCHAR),
                    col("ssn", VeilType.VARCHAR),
                    col("note", VeilType.VARCHAR),
                    col("code", VeilType.VARCHAR),
                    col("score", VeilType.DOUBLE),
                    col("ratio", VeilType.DOUBLE),
                    col("big", VeilType.BIGINT),
                    col("born", VeilType.DATE));
            TableDef visits = table(
                    warehouse,
                    "visits",
                    col("visit_id", VeilType.BIGINT),
                    col("pid", VeilType.BIGINT),
                    col("clinic", VeilType.VARCHAR),
                    col("cost", VeilType.DOUBLE),
                    col("kind", VeilType.VARCHAR),
                    col("day", VeilType.DATE),
                    col("memo", VeilType.VARCHAR),
                    col("ward", VeilType.INTEGER));
            TableDef items = table(
                    warehouse,
                    "items",
                    col("item_id", VeilType.BIGINT),
                    col("visit_id", VeilType.BIGINT),
                    col("drug", VeilType.VARCHAR),
                    col("qty", VeilType.INTEGER),
                    col("dose", VeilType.DOUBLE));
            write(
                    warehouse,
                    clinics,
                    List.of(
                            new Object[] {"A", "north", 10},
                            new Object[] {"B", "north", 20},
                            new Object[] {"C", "south", 30},
                            new Object[] {"D", "south", 40}),
                    false);
            TableDef consents = consentsTable(warehouse);
            TableDef[] tables = {persons, visits, items, consents};
            List<List<Object[]>> base = List.of(basePersons(), baseVisits(), baseItems(), baseConsents());
            List<List<Object[]>> neighbour =
                    List.of(neighbourPersons(), neighbourVisits(), neighbourItems(), neighbourConsents());
            for (int t = 0; t < tables.length; t++) {
                switch (variant) {
                    case BASE -> write(warehouse, tables[t], base.get(t), false);
                    case NEIGHBOUR_LAST -> {
                        write(warehouse, tables[t], base.get(t), false);
                        write(warehouse, tables[t], neighbour.get(t), false);
                    }
                    case NEIGHBOUR_FIRST -> {
                        write(warehouse, tables[t], neighbour.get(t), true);
                        write(warehouse, tables[t], base.get(t), true);
                    }
                }
            }
        }
        try (Connection admin = connect(dir, Principals.ADMIN);
                Statement s = admin.createStatement()) {
            for (String policy : POLICIES) {
                s.execute(policy);
            }
        }
        createGuesses(dir);
        return dir;
    }

    /** The consent source {@code nb.consents}, empty. */
    private static TableDef consentsTable(Warehouse warehouse) {
        return table(
                warehouse,
                "consents",
                col("unit_id", VeilType.BIGINT),
                col("purpose", VeilType.VARCHAR),
                col("category", VeilType.VARCHAR),
                col("granted_at", VeilType.TIMESTAMP),
                col("expires_at", VeilType.TIMESTAMP),
                col("withdrawn_at", VeilType.TIMESTAMP));
    }

    /** As the analyst: {@code lab.guess}, a local table of guessed {@code ssn} values. */
    private static void createGuesses(Path dir) throws SQLException {
        try (Connection analyst = connect(dir, Principals.ANALYST);
                Statement s = analyst.createStatement()) {
            s.execute("CREATE SCHEMA lab");
            List<String> guesses = new ArrayList<>();
            for (int i = 4; i <= BASE_PERSONS; i++) {
                guesses.add("('" + ssn(i) + "', 't" + (i % 3) + "')");
            }
            s.execute("CREATE TABLE lab.guess AS SELECT * FROM (VALUES " + String.join(", ", guesses)
                    + ") AS v(ssn, tag)");
            // Key sets of the analyst's (public to the analyst: no policy), holding some base keys of
            // nb.visits and every key only the neighbour has.
            List<String> days = new ArrayList<>();
            for (int d = 0; d < 300; d += 7) {
                days.add("(DATE '" + LocalDate.of(2024, 1, 1).plusDays(d) + "', '" + (d % 2 == 0 ? "a" : "b") + "')");
            }
            days.add("(DATE '9999-12-31', 'a')");
            days.add("(DATE '0001-01-01', 'b')");
            s.execute("CREATE TABLE lab.days AS SELECT * FROM (VALUES " + String.join(", ", days) + ") AS v(k, tag)");
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= BASE_PERSONS; i += 3) {
                ids.add("(CAST(" + (i * 10L) + " AS BIGINT), '" + (i % 2 == 0 ? "a" : "b") + "')");
            }
            for (long j = 0; j < 20; j++) {
                ids.add("(CAST(" + (NEIGHBOUR_VISITS + j) + " AS BIGINT), '" + (j % 2 == 0 ? "a" : "b") + "')");
            }
            s.execute("CREATE TABLE lab.ids AS SELECT * FROM (VALUES " + String.join(", ", ids) + ") AS v(k, tag)");
            s.execute("CREATE TABLE lab.wards AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'a'), ("
                    + Integer.MAX_VALUE + ", 'a'), (" + Integer.MIN_VALUE + ", 'b')) AS v(k, tag)");
        }
    }

    /**
     * Whether {@code key}, released as a group key of {@code nb.visits}' {@code day}, {@code
     * visit_id} or {@code ward}, is one that only the neighbour's rows have: a date outside 2024, or
     * a number at least {@value #NEIGHBOUR_VISITS} away from 0 (the neighbour's visit ids, and its
     * wards: the largest and smallest INTEGER; base wards are 1 and 2).
     */
    public static boolean neighbourOnlyKey(Object key) {
        if (key instanceof java.util.Date || key instanceof LocalDate) {
            return !key.toString().startsWith("2024-");
        }
        return key instanceof Number n && Math.abs(n.longValue()) >= NEIGHBOUR_VISITS;
    }

    /** A connection to the warehouse in {@code dir} as {@code user}, in this JVM. */
    public static Connection connect(Path dir, String user) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        return DriverManager.getConnection("jdbc:veil:embedded:" + dir, info);
    }

    public static String ssn(long pid) {
        return String.format("S%04d", pid);
    }

    private static Column col(String name, VeilType type) {
        return new Column(name, ColumnType.of(type), true);
    }

    private static TableDef table(Warehouse warehouse, String name, Column... columns) {
        return warehouse.catalog().createTable(new TableName("nb", name), List.of(columns), false);
    }

    /**
     * Appends {@code rows} to {@code table}, in commits of 10 rows (each a new table version and
     * batch); {@code reversed}: in reverse order.
     */
    private static void write(Warehouse warehouse, TableDef table, List<Object[]> rows, boolean reversed) {
        List<Object[]> ordered = new ArrayList<>(rows);
        if (reversed) {
            Collections.reverse(ordered);
        }
        for (int from = 0; from < ordered.size(); from += 10) {
            TableDef current = warehouse.catalog().table(table.name()).orElseThrow();
            try (TableWriter writer = warehouse.newWriter(current)) {
                for (Object[] row : ordered.subList(from, Math.min(ordered.size(), from + 10))) {
                    writer.append(row);
                }
                writer.commit();
            }
        }
    }

    private static Integer day(String isoDate) {
        return isoDate == null ? null : (int) LocalDate.parse(isoDate).toEpochDay();
    }

    private static final long GRANTED = LocalDate.of(2000, 1, 1).toEpochDay() * 86_400_000L;
    private static final long WITHDRAWN = LocalDate.of(2020, 1, 1).toEpochDay() * 86_400_000L;

    /**
     * Consents for purpose research: most base persons consent to 'health' and 'notes' (some to
     * neither, some withdrew 'notes'); unconsented categories are never 'general', which needs a
     * consent of any category.
     */
    private static List<Object[]> baseConsents() {
        List<Object[]> rows = new ArrayList<>();
        for (long i = 1; i <= BASE_PERSONS; i++) {
            if (i % 5 != 0) {
                rows.add(new Object[] {i, "research", "health", GRANTED, null, null});
            }
            if (i % 3 != 0) {
                rows.add(new Object[] {i, "research", "notes", GRANTED, null, i % 7 == 0 ? WITHDRAWN : null});
            }
            rows.add(new Object[] {i, "marketing", "notes", GRANTED, null, null});
        }
        return rows;
    }

    /** The neighbour consents to everything the analyst's purpose reads, so its rows count. */
    private static List<Object[]> neighbourConsents() {
        return List.of(
                new Object[] {NEIGHBOUR, "research", "health", GRANTED, null, null},
                new Object[] {NEIGHBOUR, "research", "notes", GRANTED, null, null},
                new Object[] {NEIGHBOUR, "research", "notes", GRANTED, GRANTED + 1000L, null});
    }

    private static List<Object[]> basePersons() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= BASE_PERSONS; i++) {
            String city = i <= 24 ? "Lyon" : i <= 42 ? "Porto" : i <= 54 ? "Ghent" : "Graz";
            rows.add(new Object[] {
                (long) i,
                city,
                20 + (i * 7) % 60,
                DIAGNOSES.get(i % DIAGNOSES.size()),
                ssn(i),
                "n" + i,
                String.valueOf(i % 13),
                (double) ((i * 37) % 101),
                0.5 + (i % 7) / 4.0,
                i * 1000L,
                (int) LocalDate.of(1950, 1, 1).plusDays(i * 200L).toEpochDay()
            });
        }
        return rows;
    }

    private static List<Object[]> neighbourPersons() {
        String longText = "x".repeat(LONG_TEXT);
        String nssn = ssn(NEIGHBOUR);
        return List.of(
                new Object[] {
                    NEIGHBOUR,
                    "Lyon",
                    Integer.MAX_VALUE,
                    RARE_DIAGNOSIS,
                    nssn,
                    longText,
                    "x9",
                    Double.NaN,
                    Double.NaN,
                    Long.MAX_VALUE,
                    day("9999-12-31")
                },
                new Object[] {
                    NEIGHBOUR,
                    "Porto",
                    Integer.MIN_VALUE,
                    RARE_DIAGNOSIS,
                    nssn,
                    "(",
                    "99999999999999999999",
                    Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY,
                    Long.MIN_VALUE,
                    day("0001-01-01")
                },
                new Object[] {NEIGHBOUR, null, null, null, null, null, null, null, null, null, null},
                new Object[] {
                    NEIGHBOUR,
                    "Ghent",
                    0,
                    RARE_DIAGNOSIS,
                    nssn,
                    "",
                    "",
                    Double.NEGATIVE_INFINITY,
                    0.0,
                    0L,
                    day("2000-02-29")
                },
                new Object[] {
                    NEIGHBOUR, "Lyon", -1, RARE_DIAGNOSIS, nssn, "\\", "-0", 1e308, -1e308, -1L, day("9999-12-31")
                });
    }

    private static List<Object[]> baseVisits() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= BASE_PERSONS; i++) {
            for (int j = 0; j < 1 + i % 4; j++) {
                rows.add(new Object[] {
                    i * 10L + j,
                    (long) i,
                    CLINICS.get((i + j) % CLINICS.size()),
                    (double) (10 + (i * 31 + j * 17) % 890),
                    KINDS.get((i + j) % KINDS.size()),
                    (int) LocalDate.of(2024, 1, 1).plusDays((i * 13 + j) % 300).toEpochDay(),
                    "m" + (i % 5),
                    i % 10 == 0 ? 2 : 1
                });
            }
        }
        return rows;
    }

    private static final List<Double> EXTREME_DOUBLES = java.util.Arrays.asList(
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308, null, 1000.0, -0.0);

    private static List<Object[]> neighbourVisits() {
        List<Object[]> rows = new ArrayList<>();
        List<String> memos = List.of("x".repeat(LONG_TEXT), "(", "", "\\");
        for (int j = 0; j < 20; j++) {
            rows.add(new Object[] {
                NEIGHBOUR_VISITS + j,
                NEIGHBOUR,
                CLINICS.get(j % CLINICS.size()),
                EXTREME_DOUBLES.get(j % EXTREME_DOUBLES.size()),
                j % 5 == 4 ? null : KINDS.get(j % 3),
                j % 3 == 0 ? day("9999-12-31") : j % 3 == 1 ? day("0001-01-01") : null,
                memos.get(j % memos.size()),
                j % 2 == 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE
            });
        }
        return rows;
    }

    private static List<Object[]> baseItems() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= BASE_PERSONS; i++) {
            for (int j = 0; j < 1 + i % 4; j++) {
                long visitId = i * 10L + j;
                for (int k = 0; k < 1 + (i + j) % 2; k++) {
                    rows.add(new Object[] {
                        visitId * 10 + k,
                        visitId,
                        DRUGS.get((i + k) % DRUGS.size()),
                        1 + (i + k) % 5,
                        (double) ((i * 3 + k) % 11)
                    });
                }
            }
        }
        return rows;
    }

    private static List<Object[]> neighbourItems() {
        List<Object[]> rows = new ArrayList<>();
        List<Integer> qty = java.util.Arrays.asList(Integer.MAX_VALUE, Integer.MIN_VALUE, null, 0);
        for (int j = 0; j < 20; j++) {
            for (int k = 0; k < 2; k++) {
                rows.add(new Object[] {
                    100_000L + j * 10 + k,
                    NEIGHBOUR_VISITS + j,
                    DRUGS.get((j + k) % DRUGS.size()),
                    qty.get((j + k) % qty.size()),
                    EXTREME_DOUBLES.get((j * 2 + k) % EXTREME_DOUBLES.size())
                });
            }
        }
        return rows;
    }
}
