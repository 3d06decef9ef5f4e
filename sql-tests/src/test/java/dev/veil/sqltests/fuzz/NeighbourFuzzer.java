package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import dev.veil.sqltests.fuzz.NeighbourQuery.Check;
import dev.veil.sqltests.fuzz.NeighbourWarehouse.Variant;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The neighbouring-database property test's runner: builds three warehouses with
 * {@link NeighbourWarehouse} (the base, the base plus one privacy unit inserted last, and the
 * same data with that unit inserted first and the rest in reverse order), sends each statement
 * of a {@link NeighbourGenerator} as the analyst to the base and the neighbour (to all three for
 * order probes), and checks:
 *
 * <ul>
 *   <li>the outcome class is the same: rows with the same column count and types on both, or the
 *       same error code on both (a neighbour's row may change what a group holds, never whether
 *       the statement succeeds nor how it fails); no internal error;</li>
 *   <li>no released text is longer than the 64 KiB cap;</li>
 *   <li>per {@link Check}: unit disguises and JOIN ONLY anti-joins are POLICY_VIOLATION; a DP
 *       aggregate under a row-multiplying operator shows one value per group, and the budget
 *       ledger's charge equals the epsilon of the statement's audit row; over-cap counts are 0;
 *       deterministic SUM/AVG of bounded values stay within the bounds; DP aggregates of bounded
 *       values are finite; the groups released by the two orders of insertion come in the same
 *       order (deterministic queries: the same rows in the same order); a DP aggregate joined
 *       with or filtered by a key set releases a group key only the neighbour has in at most
 *       {@value #MAX_NEIGHBOUR_KEY_RELEASES} statements of the run, and the control that lists the
 *       analyst's own keys shows them.</li>
 * </ul>
 *
 * <p>Every shape is first run once as admin on the base warehouse: a shape the admin cannot run
 * is a fault of the generator, reported as such, so that a rejection of the analyst is a policy
 * decision. Command line: {@code --seed n --count n --timing --include-known-open
 * --families a,b} (see sql-tests/README.md).
 */
public final class NeighbourFuzzer {
    /** The longest text a value computed under the privacy boundary may have. */
    public static final int CAP = 64 * 1024;

    private static final int QUERY_TIMEOUT_SECONDS = 60;

    /**
     * The most statements of {@link Check#KEYS_ABSENT} that may release a key only the neighbour
     * has. Partition selection releases a group of one unit with a probability of at most about
     * delta (1e-5; a few such groups per statement), so over a few thousand statements four or more
     * releases happen with a probability below 1e-9; a key set that spared groups from partition
     * selection would release them in most statements.
     */
    static final int MAX_NEIGHBOUR_KEY_RELEASES = 3;

    private static final int EXAMPLES = 4;

    /** The families and how often each is drawn. */
    static final Map<NeighbourFamily, Integer> WEIGHTS = weights();

    private static Map<NeighbourFamily, Integer> weights() {
        Map<NeighbourFamily, Integer> weights = new EnumMap<>(NeighbourFamily.class);
        weights.put(NeighbourFamily.BASELINE, 10);
        weights.put(NeighbourFamily.UNIT_DISGUISE, 20);
        weights.put(NeighbourFamily.FAILING_FUNCTION, 25);
        weights.put(NeighbourFamily.COSTLY_FUNCTION, 8);
        weights.put(NeighbourFamily.RELEASE_TWICE, 10);
        weights.put(NeighbourFamily.ORDER_PROBE, 10);
        weights.put(NeighbourFamily.JOIN_ONLY_PROBE, 7);
        weights.put(NeighbourFamily.CLAMP_PROBE, 10);
        weights.put(NeighbourFamily.KEY_SET_PROBE, 8);
        return weights;
    }

    /** What to run: the seed, how many statements, whether to time them, and which families. */
    public record Config(long seed, int count, boolean timing, Set<NeighbourFamily> families) {
        public Config {
            if (count < 1) {
                throw new IllegalArgumentException("count must be positive, got " + count);
            }
            families = Set.copyOf(families);
            if (families.isEmpty()) {
                throw new IllegalArgumentException("no family to run");
            }
        }
    }

    /** What a run found, per family. */
    public static final class Report {
        final Map<NeighbourFamily, Integer> queries = new EnumMap<>(NeighbourFamily.class);
        /** Failed checks (a statement may fail on both sides, and the run's ledger total counts too). */
        final Map<NeighbourFamily, Integer> failures = new EnumMap<>(NeighbourFamily.class);
        /** Statements with at least one failed check. */
        final Map<NeighbourFamily, Integer> failedStatements = new EnumMap<>(NeighbourFamily.class);

        final Map<NeighbourFamily, List<String>> examples = new EnumMap<>(NeighbourFamily.class);
        final Map<NeighbourFamily, Set<String>> shapes = new EnumMap<>(NeighbourFamily.class);
        final Map<String, Integer> failingShapes = new TreeMap<>();
        final NeighbourTiming timing = new NeighbourTiming();
        boolean timed;
        long elapsedMillis;

        void fail(NeighbourQuery query, String what) {
            failures.merge(query.family(), 1, Integer::sum);
            failingShapes.merge(query.family().label() + ":" + query.shape(), 1, Integer::sum);
            List<String> list = examples.computeIfAbsent(query.family(), f -> new ArrayList<>());
            if (list.size() < EXAMPLES) {
                list.add(
                        "[" + query.shape() + "] " + abbreviate(query.sql(), 400) + "\n      " + abbreviate(what, 600));
            }
        }

        public int queries(NeighbourFamily family) {
            return queries.getOrDefault(family, 0);
        }

        public int failures(NeighbourFamily family) {
            return failures.getOrDefault(family, 0);
        }

        public int shapes(NeighbourFamily family) {
            return shapes.getOrDefault(family, Set.of()).size();
        }

        /** With timing: the largest run-time ratio among statements whose medians differ by more than 5 ms. */
        public double worstRatio() {
            return timing.worstRatio();
        }

        /** A table of queries, distinct shapes and failures per family, then examples of each failure. */
        public String summary() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(
                    "%-22s %7s %7s %9s %9s%n", "family (finding)", "queries", "shapes", "failed", "failures"));
            for (NeighbourFamily family : NeighbourFamily.values()) {
                if (queries(family) == 0) {
                    continue;
                }
                out.append(String.format(
                        "%-22s %7d %7d %9d %9d%n",
                        family.label() + " (" + family.finding() + ")",
                        queries(family),
                        shapes(family),
                        failedStatements.getOrDefault(family, 0),
                        failures(family)));
            }
            out.append("(failed: statements with a failed check; failures: failed checks)\n");
            out.append("elapsed ").append(elapsedMillis / 1000.0).append(" s\n");
            if (timed) {
                out.append(timing.summary());
            }
            if (!failingShapes.isEmpty()) {
                out.append("failing shapes: ").append(failingShapes).append('\n');
            }
            examples.forEach((family, list) -> {
                out.append("-- ")
                        .append(family.label())
                        .append(" (finding ")
                        .append(family.finding())
                        .append("):\n");
                list.forEach(e -> out.append("   ").append(e).append('\n'));
            });
            return out.toString();
        }
    }

    /**
     * The result of one statement on one warehouse; {@code charged} (the ledger's charge around
     * it) and {@code audited} (its audit row's epsilon) are NaN when they were not read.
     */
    record Outcome(
            int code,
            String message,
            List<String> types,
            List<List<Object>> rows,
            long nanos,
            double charged,
            double audited) {
        boolean ok() {
            return code == 0;
        }

        String outcomeClass() {
            return ok() ? "rows " + types : "error " + code;
        }

        @Override
        public String toString() {
            return ok()
                    ? rows.size() + " rows " + abbreviate(render(rows), 300)
                    : "error " + code + " " + abbreviate(message, 200);
        }
    }

    private final Config config;
    private final Report report = new Report();
    private final Set<String> checkedShapes = new HashSet<>();
    private int ledgerChecks;
    private int neighbourKeyReleases;
    private NeighbourQuery firstNeighbourKeyRelease;

    private Connection[] analyst;
    private Connection[] admin;

    private NeighbourFuzzer(Config config) {
        this.config = requireNonNull(config, "config is null");
    }

    /** Makes the warehouse {@code dir} (which must not exist yet) holding a variant's data. */
    @FunctionalInterface
    public interface Warehouses {
        Path create(Path dir, Variant variant) throws Exception;
    }

    /** Runs {@code config} over fresh warehouses under {@code dir}. */
    public static Report run(Path dir, Config config) throws Exception {
        return run(dir, config, NeighbourWarehouse::create);
    }

    /** Runs {@code config} over fresh warehouses under {@code dir}, made by {@code warehouses}. */
    public static Report run(Path dir, Config config, Warehouses warehouses) throws Exception {
        return new NeighbourFuzzer(config).execute(dir, requireNonNull(warehouses, "warehouses is null"));
    }

    private Report execute(Path dir, Warehouses warehouses) throws Exception {
        long start = System.nanoTime();
        Variant[] variants = Variant.values();
        analyst = new Connection[variants.length];
        admin = new Connection[variants.length];
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> created = new ArrayList<>();
            for (Variant variant : variants) {
                created.add(pool.submit(() ->
                        warehouses.create(dir.resolve(variant.name().toLowerCase(java.util.Locale.ROOT)), variant)));
            }
            for (int i = 0; i < variants.length; i++) {
                Path path = created.get(i).get();
                analyst[i] = NeighbourWarehouse.connect(path, Principals.ANALYST);
                admin[i] = NeighbourWarehouse.connect(path, Principals.ADMIN);
            }
            System.out.printf("NeighbourFuzzer: warehouses ready in %.1f s%n", (System.nanoTime() - start) / 1e9);
            NeighbourGenerator generator = new NeighbourGenerator(config.seed());
            SplittableRandom chooser = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
            List<NeighbourFamily> families = new ArrayList<>();
            int total = 0;
            for (NeighbourFamily family : NeighbourFamily.values()) {
                if (config.families().contains(family)) {
                    families.add(family);
                    total += WEIGHTS.get(family);
                }
            }
            for (int i = 0; i < config.count(); i++) {
                int dice = chooser.nextInt(total);
                NeighbourFamily family = families.get(0);
                for (NeighbourFamily f : families) {
                    dice -= WEIGHTS.get(f);
                    if (dice < 0) {
                        family = f;
                        break;
                    }
                }
                NeighbourQuery query = generator.next(family);
                report.queries.merge(family, 1, Integer::sum);
                report.shapes.computeIfAbsent(family, f -> new HashSet<>()).add(query.shape());
                int before = report.failures(family);
                check(query, pool);
                if (report.failures(family) > before) {
                    report.failedStatements.merge(family, 1, Integer::sum);
                }
                if ((i + 1) % 500 == 0) {
                    System.out.printf(
                            "NeighbourFuzzer: %d statements, %.1f s, %.1f s of CPU%n",
                            i + 1, (System.nanoTime() - start) / 1e9, cpuSeconds());
                }
            }
            if (config.families().contains(NeighbourFamily.RELEASE_TWICE)) {
                for (int i = 0; i < variants.length; i++) {
                    checkLedgerTotal(i);
                }
            }
            if (neighbourKeyReleases > MAX_NEIGHBOUR_KEY_RELEASES) {
                report.fail(
                        firstNeighbourKeyRelease,
                        neighbourKeyReleases + " statements released a group key only the neighbour has (at most "
                                + MAX_NEIGHBOUR_KEY_RELEASES + " may, by the chance DP allows); the first is shown");
            }
        } finally {
            pool.shutdownNow();
            for (Connection[] connections : new Connection[][] {analyst, admin}) {
                for (Connection c : connections) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
        report.elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        report.timed = config.timing();
        return report;
    }

    private static double cpuSeconds() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1;
    }

    private void check(NeighbourQuery query, ExecutorService pool) throws Exception {
        java.util.regex.Matcher tables =
                java.util.regex.Pattern.compile("nb\\.\\w+").matcher(query.sql());
        StringBuilder shapeKey = new StringBuilder(query.family() + "/" + query.shape());
        // Function templates take each table's own columns: check them per table.
        boolean perTable =
                query.family() == NeighbourFamily.FAILING_FUNCTION || query.family() == NeighbourFamily.COSTLY_FUNCTION;
        while (perTable && tables.find()) {
            shapeKey.append(' ').append(tables.group());
        }
        if (checkedShapes.add(shapeKey.toString())) {
            Outcome asAdmin = run(admin[0], query.sql(), false, -1);
            // A failing function is meant to fail on some raw value: for the admin (no privacy
            // boundary, errors raised as usual) a data error is the expected outcome, not a fault.
            boolean dataError =
                    asAdmin.code() == 12 || asAdmin.code() == 13 || asAdmin.code() == 14 || asAdmin.code() == 15;
            if (!asAdmin.ok() && !(perTable && dataError)) {
                report.fail(query, "GENERATOR: the admin cannot run this shape on the base warehouse: " + asAdmin);
                return;
            }
        }
        // The ledger is read around one in four such statements (three more statements per side);
        // the whole run's ledger is compared with the audit at the end.
        boolean ledger = query.check() == Check.SAME_VALUE && ledgerChecks++ % 4 == 0;
        boolean order = query.check() == Check.ORDER;
        Outcome base;
        Outcome neighbour;
        Outcome reordered = null;
        if (config.timing()) {
            Outcome[] pair = timed(query, ledger);
            base = pair[0];
            neighbour = pair[1];
            if (order) {
                reordered = run(analyst[2], query.sql(), ledger, 2);
            }
        } else {
            Future<Outcome> other = pool.submit(() -> run(analyst[1], query.sql(), ledger, 1));
            Future<Outcome> third = order ? pool.submit(() -> run(analyst[2], query.sql(), ledger, 2)) : null;
            base = run(analyst[0], query.sql(), ledger, 0);
            neighbour = get(other);
            reordered = third == null ? null : get(third);
        }
        List<Outcome> outcomes = new ArrayList<>(List.of(base, neighbour));
        if (reordered != null) {
            outcomes.add(reordered);
        }
        String[] names = {"base", "neighbour", "neighbour-first"};
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            if (!o.ok() && (o.code() >= 1000 || o.code() <= 0)) {
                report.fail(query, names[i] + ": not a user error: " + o);
                return;
            }
        }
        if (!base.outcomeClass().equals(neighbour.outcomeClass())) {
            report.fail(query, "outcome class differs: base " + base + " | neighbour " + neighbour);
            return;
        }
        if (reordered != null && !reordered.outcomeClass().equals(neighbour.outcomeClass())) {
            report.fail(
                    query,
                    "outcome class differs with the insertion order: neighbour " + neighbour + " | neighbour-first "
                            + reordered);
            return;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            String text = longText(outcomes.get(i));
            if (text != null) {
                report.fail(query, names[i] + ": a released text is longer than " + CAP + " characters: " + text);
                return;
            }
        }
        switch (query.check()) {
            case CLASS -> {}
            case REJECT -> {
                if (base.ok() || base.code() != 18) {
                    report.fail(
                            query,
                            "must be POLICY_VIOLATION (18); base " + base + " | neighbour " + neighbour
                                    + (base.ok() && !render(base.rows()).equals(render(neighbour.rows()))
                                            ? " (the answers differ: the shape tells the neighbour apart)"
                                            : ""));
                }
            }
            case SAME_VALUE -> {
                checkSameValue(query, "base", base);
                checkSameValue(query, "neighbour", neighbour);
            }
            case LENGTH_BOUND -> {
                checkLengthBound(query, "base", base);
                checkLengthBound(query, "neighbour", neighbour);
            }
            case CLAMP_RANGE -> {
                checkClampRange(query, "base", base);
                checkClampRange(query, "neighbour", neighbour);
            }
            case FINITE -> {
                checkFinite(query, "base", base);
                checkFinite(query, "neighbour", neighbour);
            }
            case ORDER -> checkOrder(query, base, neighbour, reordered);
            case KEYS_ABSENT -> {
                checkFinite(query, "base", base);
                checkFinite(query, "neighbour", neighbour);
                if (neighbourKeys(query, base) + neighbourKeys(query, neighbour) > 0) {
                    neighbourKeyReleases++;
                    if (firstNeighbourKeyRelease == null) {
                        firstNeighbourKeyRelease = query;
                    }
                    System.out.println("NeighbourFuzzer: a key only the neighbour has was released (counted): "
                            + query.sql() + " -> " + neighbour);
                }
            }
            case KEYS_PRESENT -> {
                checkFinite(query, "base", base);
                checkFinite(query, "neighbour", neighbour);
                if (neighbourKeys(query, base) == 0 || neighbourKeys(query, neighbour) == 0) {
                    report.fail(
                            query,
                            "negative control: the analyst's own neighbour-only keys were not seen: base " + base
                                    + " | neighbour " + neighbour);
                }
            }
        }
    }

    /**
     * Runs {@code query} {@link NeighbourTiming#PAIRS} times on the base and the neighbour,
     * interleaved and alternating which goes first, records the run times when both succeed, and
     * returns the first outcome of each side (the ledger is read around those).
     */
    private Outcome[] timed(NeighbourQuery query, boolean ledger) throws SQLException {
        long[][] nanos = new long[2][NeighbourTiming.PAIRS];
        Outcome[] first = new Outcome[2];
        for (int i = 0; i < NeighbourTiming.PAIRS; i++) {
            for (int k = 0; k < 2; k++) {
                int side = (i % 2 == 0) ? k : 1 - k;
                Outcome o = run(analyst[side], query.sql(), ledger && i == 0, side);
                nanos[side][i] = o.nanos();
                if (first[side] == null) {
                    first[side] = o;
                }
            }
        }
        if (first[0].ok() && first[1].ok()) {
            report.timing.add(query.family(), query.sql(), nanos[0], nanos[1]);
        }
        return first;
    }

    private static Outcome get(Future<Outcome> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Runs {@code sql}; with {@code ledger}, also reads the ledger's charge and the audit row's epsilon. */
    private Outcome run(Connection connection, String sql, boolean ledger, int warehouse) throws SQLException {
        double before = ledger ? ledgerTotal(warehouse) : 0;
        long start = System.nanoTime();
        Outcome outcome;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            try (ResultSet rs = statement.executeQuery(sql)) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> types = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    types.add(meta.getColumnTypeName(c));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(types.size());
                    for (int c = 1; c <= types.size(); c++) {
                        row.add(rs.getObject(c));
                    }
                    rows.add(row);
                }
                outcome = new Outcome(0, null, types, rows, System.nanoTime() - start, Double.NaN, Double.NaN);
            }
        } catch (SQLException e) {
            outcome = new Outcome(
                    e.getErrorCode(),
                    String.valueOf(e.getMessage()),
                    List.of(),
                    List.of(),
                    System.nanoTime() - start,
                    Double.NaN,
                    Double.NaN);
        }
        if (!ledger) {
            return outcome;
        }
        double charged = ledgerTotal(warehouse) - before;
        double audited = Double.NaN;
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT statement, epsilon, replays FROM veil.my_queries" + " ORDER BY id DESC LIMIT 5")) {
            while (rs.next()) {
                if (sql.equals(rs.getString(1))) {
                    audited = rs.getDouble(2);
                    if (audited == 0 && rs.getLong(3) > 0 && Math.abs(charged) <= 1e-12) {
                        // A replay of a stored release (the same question asked before on this
                        // warehouse): charged 0 in both the ledger and the audit, by design; the
                        // whole run's ledger total is still checked against the audit.
                        charged = Double.NaN;
                    }
                    break;
                }
            }
        }
        return new Outcome(
                outcome.code(), outcome.message(), outcome.types(), outcome.rows(), outcome.nanos(), charged, audited);
    }

    private double ledgerTotal(int warehouse) throws SQLException {
        try (Statement statement = admin[warehouse].createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT COALESCE(SUM(epsilon), 0) FROM veil.budget_ledger" + " WHERE user_name = 'analyst'")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** The whole run: what the ledger charged the analyst equals the epsilon of the analyst's audit rows. */
    private void checkLedgerTotal(int warehouse) throws SQLException {
        double charged = ledgerTotal(warehouse);
        double audited;
        try (Statement statement = admin[warehouse].createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT COALESCE(SUM(epsilon), 0) FROM veil.audit" + " WHERE user_name = 'analyst'")) {
            rs.next();
            audited = rs.getDouble(1);
        }
        if (Math.abs(charged - audited) > 1e-6 * Math.max(1, charged)) {
            report.fail(
                    NeighbourQuery.of(
                            NeighbourFamily.RELEASE_TWICE, "ledger-total", "(the whole run)", Check.SAME_VALUE),
                    "warehouse " + warehouse + ": the ledger charged the analyst epsilon " + charged
                            + " over the run, the audit rows say " + audited);
        }
    }

    private void checkSameValue(NeighbourQuery query, String side, Outcome outcome) {
        if (!outcome.ok()) {
            return;
        }
        Map<List<Object>, List<Object>> seen = new HashMap<>();
        for (List<Object> row : outcome.rows()) {
            List<Object> key = new ArrayList<>();
            query.keyColumns().forEach(c -> key.add(row.get(c)));
            List<Object> values = new ArrayList<>();
            query.columns().forEach(c -> values.add(row.get(c)));
            List<Object> previous = seen.putIfAbsent(key, values);
            if (previous != null && !render(List.of(previous)).equals(render(List.of(values)))) {
                report.fail(
                        query,
                        side + ": one DP group released twice with different noise: " + key + " shows " + previous
                                + " and " + values + " in " + outcome);
                return;
            }
        }
        if (Double.isNaN(outcome.charged())) {
            return; // the ledger was not read around this statement
        }
        if (Double.isNaN(outcome.audited())) {
            report.fail(query, side + ": no audit row of the statement in veil.my_queries");
        } else if (Math.abs(outcome.charged() - outcome.audited()) > 1e-9 * Math.max(1, outcome.audited())) {
            report.fail(
                    query,
                    side + ": the ledger charged epsilon " + outcome.charged() + " but the audit row says "
                            + outcome.audited());
        } else if (outcome.audited() <= 0) {
            report.fail(query, side + ": a DP release was charged nothing");
        }
    }

    private void checkLengthBound(NeighbourQuery query, String side, Outcome outcome) {
        if (!outcome.ok()) {
            return;
        }
        int over = query.columns().get(1);
        for (List<Object> row : outcome.rows()) {
            if (row.get(over) instanceof Number n && n.longValue() != 0) {
                report.fail(
                        query,
                        side + ": " + n + " values under the boundary are longer than " + CAP + " characters in group "
                                + row.get(0));
                return;
            }
        }
    }

    private void checkClampRange(NeighbourQuery query, String side, Outcome outcome) {
        if (!outcome.ok()) {
            return;
        }
        int countColumn = query.columns().get(0);
        int valueColumn = query.columns().get(1);
        for (List<Object> row : outcome.rows()) {
            if (row.get(valueColumn) == null) {
                continue;
            }
            double value = ((Number) row.get(valueColumn)).doubleValue();
            long count = ((Number) row.get(countColumn)).longValue();
            double low = query.sum() ? Math.min(0, query.low()) * count : query.low();
            double high = query.sum() ? Math.max(0, query.high()) * count : query.high();
            double slack = 1e-9 * Math.max(1, Math.max(Math.abs(low), Math.abs(high)));
            if (!Double.isFinite(value) || value < low - slack || value > high + slack) {
                report.fail(
                        query,
                        side + ": " + (query.sum() ? "SUM" : "AVG") + " of a value bounded to [" + query.low() + ", "
                                + query.high() + "] over " + count + " rows is " + value + " in " + row);
                return;
            }
        }
    }

    /** How many rows of {@code outcome} hold, in the check's key column, a key only the neighbour has. */
    private static int neighbourKeys(NeighbourQuery query, Outcome outcome) {
        if (!outcome.ok()) {
            return 0;
        }
        int column = query.columns().get(0);
        int count = 0;
        for (List<Object> row : outcome.rows()) {
            if (NeighbourWarehouse.neighbourOnlyKey(row.get(column))) {
                count++;
            }
        }
        return count;
    }

    private void checkFinite(NeighbourQuery query, String side, Outcome outcome) {
        if (!outcome.ok()) {
            return;
        }
        for (List<Object> row : outcome.rows()) {
            for (Object value : row) {
                if (value instanceof Double d && !Double.isFinite(d)
                        || value instanceof Float f && !Float.isFinite(f)) {
                    report.fail(query, side + ": a DP aggregate of a bounded value is " + value + " in " + row);
                    return;
                }
            }
        }
    }

    private void checkOrder(NeighbourQuery query, Outcome base, Outcome neighbour, Outcome reordered) {
        if (!neighbour.ok()) {
            return;
        }
        List<String> baseKeys = keys(query, base);
        List<String> neighbourKeys = keys(query, neighbour);
        List<String> reorderedKeys = keys(query, reordered);
        if (query.deterministic() && !render(neighbour.rows()).equals(render(reordered.rows()))) {
            report.fail(
                    query,
                    "the same data inserted in another order gives other rows or another order: " + neighbourKeys
                            + " vs " + reorderedKeys);
            return;
        }
        String a = commonOrder(neighbourKeys, reorderedKeys);
        if (a != null) {
            report.fail(query, "the released groups follow the insertion order: " + a);
            return;
        }
        String b = commonOrder(baseKeys, neighbourKeys);
        if (b != null) {
            report.fail(query, "adding the neighbour reorders the other released groups: " + b);
        }
    }

    private static List<String> keys(NeighbourQuery query, Outcome outcome) {
        List<String> keys = new ArrayList<>();
        for (List<Object> row : outcome.rows()) {
            List<Object> key = new ArrayList<>();
            query.columns().forEach(c -> key.add(row.get(c)));
            keys.add(render(List.of(key)));
        }
        return keys;
    }

    /** Null if the keys both lists hold come in the same order in both, else a description. */
    private static String commonOrder(List<String> a, List<String> b) {
        Set<String> inA = new HashSet<>(a);
        Set<String> inB = new HashSet<>(b);
        List<String> x = a.stream().filter(inB::contains).toList();
        List<String> y = b.stream().filter(inA::contains).toList();
        return x.equals(y) ? null : x + " vs " + y;
    }

    private static String longText(Outcome outcome) {
        for (List<Object> row : outcome.rows()) {
            for (Object value : row) {
                if (value instanceof String s && s.length() > CAP) {
                    return "length " + s.length();
                }
            }
        }
        return null;
    }

    static String render(List<List<Object>> rows) {
        StringBuilder out = new StringBuilder();
        for (List<Object> row : rows) {
            out.append('[');
            for (int i = 0; i < row.size(); i++) {
                Object v = row.get(i);
                String s = v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : Objects.toString(v);
                out.append(i == 0 ? "" : ", ").append(abbreviate(s, 60));
            }
            out.append(']');
        }
        return out.toString();
    }

    static String abbreviate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "...(" + s.length() + " chars)";
    }

    /**
     * Command line: {@code --seed n} (default {@link NeighbourPropertyTest#DEFAULT_SEED}),
     * {@code --count n} (default 5000), {@code --timing}, {@code --include-known-open} (also the
     * families listed in {@link NeighbourPropertyTest#KNOWN_OPEN}), {@code --families a,b} (only
     * these). Exits 1 when a family it ran failed.
     */
    public static void main(String[] args) throws Exception {
        long seed = NeighbourPropertyTest.DEFAULT_SEED;
        int count = 5000;
        boolean timing = false;
        boolean includeKnownOpen = false;
        Set<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--count" -> count = Integer.parseInt(args[++i]);
                case "--timing" -> timing = true;
                case "--include-known-open" -> includeKnownOpen = true;
                case "--families" -> only = Set.of(args[++i].split(","));
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --seed n --count n --timing --include-known-open --families a,b");
            }
        }
        Set<NeighbourFamily> families = NeighbourPropertyTest.families(includeKnownOpen, only);
        Path dir = Files.createTempDirectory("veil-neighbour");
        Report report = run(dir, new Config(seed, count, timing, families));
        System.out.println("seed " + seed + ", families " + families);
        System.out.println(report.summary());
        boolean failed = families.stream().anyMatch(f -> report.failures(f) > 0);
        System.exit(failed ? 1 : 0);
    }

    static Map<String, NeighbourFamily> byLabel() {
        Map<String, NeighbourFamily> map = new LinkedHashMap<>();
        for (NeighbourFamily f : NeighbourFamily.values()) {
            map.put(f.label(), f);
        }
        return map;
    }
}
