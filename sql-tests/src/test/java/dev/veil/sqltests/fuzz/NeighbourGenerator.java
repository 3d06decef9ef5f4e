package dev.veil.sqltests.fuzz;

import dev.veil.sqltests.fuzz.NeighbourQuery.Check;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Generates the statements of the neighbouring-database property test over the schema of
 * {@link NeighbourWarehouse}, one {@link NeighbourFamily} at a time: unit disguises (every
 * disguise of the privacy unit in every context, over the unit table, a DP table reaching it by
 * a foreign key, a table two steps down the path and a join along it), built-in functions given
 * out-of-domain arguments by the neighbour's rows, cost-growing functions, DP aggregates under
 * row-multiplying operators, order probes, JOIN ONLY anti-joins with the analyst's table, clamp
 * probes, and a baseline of ordinary valid queries. The same seed gives the same statements.
 */
public final class NeighbourGenerator {
    private static final long N = NeighbourWarehouse.NEIGHBOUR;

    /**
     * A table as the generator sees it: its FROM clause, the unit-derived value, a public
     * grouping key, and the columns that play each role in the templates (null: none).
     */
    record Table(
            String name,
            String from,
            String unit,
            String key,
            String intCol,
            String bigCol,
            String textCol,
            String codeCol,
            String doubleCol,
            String dateCol,
            String flag,
            String numCol,
            String strCol,
            boolean dp) {}

    static final Table PERSONS = new Table(
            "persons",
            "nb.persons t",
            "t.pid",
            "t.city",
            "t.age",
            "t.big",
            "t.note",
            "t.code",
            "t.ratio",
            "t.born",
            "t.diagnosis = '" + NeighbourWarehouse.RARE_DIAGNOSIS + "'",
            "t.age",
            "t.city",
            false);
    static final Table VISITS = new Table(
            "visits",
            "nb.visits t",
            "t.pid",
            "t.clinic",
            null,
            null,
            "t.memo",
            "t.memo",
            "t.cost",
            "t.day",
            "t.memo = '('",
            "t.visit_id",
            "t.kind",
            true);
    static final Table ITEMS = new Table(
            "items",
            "nb.items t",
            "t.visit_id",
            "t.drug",
            "t.qty",
            null,
            null,
            null,
            "t.dose",
            null,
            "t.qty < 0",
            "t.item_id",
            "t.drug",
            false);
    static final Table PERSONS_VISITS = new Table(
            "persons+visits",
            "nb.persons p JOIN nb.visits t ON t.pid = p.pid",
            "p.pid",
            "t.clinic",
            "p.age",
            "p.big",
            "p.note",
            "p.code",
            "p.ratio",
            "t.day",
            "p.diagnosis = '" + NeighbourWarehouse.RARE_DIAGNOSIS + "'",
            "t.visit_id",
            "p.city",
            true);
    /** The persons and visits read through views an admin made over them (policies apply through them). */
    static final Table PERSONS_VIEW = new Table(
            "persons-view",
            "nb.persons_v t",
            PERSONS.unit(),
            PERSONS.key(),
            PERSONS.intCol(),
            PERSONS.bigCol(),
            PERSONS.textCol(),
            PERSONS.codeCol(),
            PERSONS.doubleCol(),
            PERSONS.dateCol(),
            PERSONS.flag(),
            PERSONS.numCol(),
            PERSONS.strCol(),
            false);

    static final Table VISITS_VIEW = new Table(
            "visits-view",
            "nb.visits_v t",
            VISITS.unit(),
            VISITS.key(),
            VISITS.intCol(),
            VISITS.bigCol(),
            VISITS.textCol(),
            VISITS.codeCol(),
            VISITS.doubleCol(),
            VISITS.dateCol(),
            VISITS.flag(),
            VISITS.numCol(),
            VISITS.strCol(),
            true);

    static final List<Table> TABLES = List.of(PERSONS, VISITS, ITEMS, PERSONS_VISITS, PERSONS_VIEW, VISITS_VIEW);

    /** A disguise of a unit-derived value {@code u}: the expression and the constant it is compared with. */
    record Disguise(String name, BinaryOperator<String> expr, BiFunction<Long, String, String> constant, boolean text) {
        Disguise(String name, BinaryOperator<String> expr, Function<Long, String> constant, boolean text) {
            this(name, expr, (c, t) -> constant.apply(c), text);
        }
    }

    private static final List<Disguise> DISGUISES = List.of(
            new Disguise("plain", (u, t) -> u, String::valueOf, false),
            new Disguise(
                    "plus-zero-times-length", (u, t) -> u + " + 0 * CHAR_LENGTH(" + t + ")", String::valueOf, false),
            new Disguise("plus-zero", (u, t) -> u + " + 0", String::valueOf, false),
            new Disguise("times-one", (u, t) -> u + " * 1", String::valueOf, false),
            new Disguise("divide-one", (u, t) -> u + " / 1", String::valueOf, false),
            new Disguise("plus-constant", (u, t) -> u + " + 5", c -> String.valueOf(c + 5), false),
            new Disguise("negated", (u, t) -> "-" + u, c -> String.valueOf(-c), false),
            new Disguise("abs", (u, t) -> "ABS(" + u + ")", String::valueOf, false),
            new Disguise("coalesce", (u, t) -> "COALESCE(" + u + ", 0)", String::valueOf, false),
            new Disguise(
                    "case", (u, t) -> "CASE WHEN " + u + " IS NULL THEN 0 ELSE " + u + " END", String::valueOf, false),
            new Disguise("mod", (u, t) -> "MOD(" + u + ", 100000)", String::valueOf, false),
            new Disguise(
                    "cancelled-column",
                    (u, t) -> "(" + u + " - CHAR_LENGTH(" + t + ")) + CHAR_LENGTH(" + t + ")",
                    String::valueOf,
                    false),
            new Disguise("cast-double", (u, t) -> "CAST(" + u + " AS DOUBLE)", c -> c + ".0", false),
            new Disguise("cast-text", (u, t) -> "CAST(" + u + " AS VARCHAR)", c -> "'" + c + "'", true),
            new Disguise("concat-text", (u, t) -> "'' || CAST(" + u + " AS VARCHAR)", c -> "'" + c + "'", true),
            new Disguise("floor", (u, t) -> "FLOOR(" + u + " / 1.0)", String::valueOf, false),
            // The constant's side disguised: the unit itself is compared with something computed.
            new Disguise(
                    "constant-plus-zero-times-length",
                    (u, t) -> u,
                    (c, t) -> c + " + 0 * CHAR_LENGTH(" + t + ")",
                    false),
            new Disguise(
                    "both-sides-minus-column",
                    (u, t) -> u + " - CHAR_LENGTH(" + t + ")",
                    (c, t) -> c + " - CHAR_LENGTH(" + t + ")",
                    false),
            new Disguise(
                    "constant-case-column",
                    (u, t) -> u,
                    (c, t) -> "CASE WHEN " + t + " IS NULL THEN " + c + " ELSE " + c + " END",
                    false),
            new Disguise(
                    "constant-public-subquery",
                    (u, t) -> u,
                    (c, t) -> "(SELECT MAX(cl.beds) * 0 + " + c + " FROM nb.clinics cl)",
                    false),
            new Disguise(
                    "constant-coalesce-column",
                    (u, t) -> u,
                    (c, t) -> "COALESCE(CAST(CHAR_LENGTH(" + t + ") * 0 AS BIGINT), 0) + " + c,
                    false),
            new Disguise(
                    "constant-abs-column",
                    (u, t) -> u,
                    (c, t) -> "ABS(" + c + " + 0 * CHAR_LENGTH(" + t + "))",
                    false));

    /** A context using a disguised value {@code e} with constant {@code k}, over FROM clause {@code f}. */
    record Context(String name, Function<String[], String> sql) {}

    private static final List<Context> CONTEXTS = List.of(
            new Context("where-not-equal", a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " <> " + a[2]),
            new Context("where-equal", a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " = " + a[2]),
            new Context("where-at-least", a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " >= " + a[2]),
            new Context(
                    "where-in",
                    a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " IN (" + a[2] + ", " + a[2] + ")"),
            new Context(
                    "where-between",
                    a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " BETWEEN " + a[2] + " AND " + a[2]),
            new Context("where-not", a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE NOT (" + a[1] + " = " + a[2] + ")"),
            new Context(
                    "where-or",
                    a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " < " + a[2] + " OR " + a[1] + " > "
                            + a[2]),
            new Context(
                    "where-distinct",
                    a -> "SELECT COUNT(*) FROM " + a[0] + " WHERE " + a[1] + " IS DISTINCT FROM " + a[2]),
            new Context(
                    "case-count", a -> "SELECT COUNT(CASE WHEN " + a[1] + " = " + a[2] + " THEN 1 END) FROM " + a[0]),
            new Context("group-key", a -> "SELECT COUNT(*) AS n FROM " + a[0] + " GROUP BY " + a[3]),
            new Context(
                    "group-key-output",
                    a -> "SELECT " + a[3] + " AS b, COUNT(*) AS n FROM " + a[0] + " GROUP BY " + a[3]),
            new Context(
                    "subquery-compare",
                    a -> "SELECT COUNT(*) FROM (SELECT " + a[1] + " AS k, " + a[2] + " AS c FROM " + a[0]
                            + ") s WHERE s.k <> s.c"));

    /** A template over one table's roles: {@code INT BIG TEXT CODE DBL DATE FLAG KEY}; null: not applicable. */
    record Template(String name, String sql, List<String> needs) {}

    /** Built-in functions with arguments the neighbour's rows take out of their domain. */
    private static final List<Template> FAILING = List.of(
            t("substring-negative-length", "SUBSTRING({TEXT}, 1, CASE WHEN {FLAG} THEN -1 ELSE 1 END)", "TEXT", "FLAG"),
            t("substring-for-int", "SUBSTRING({KEY} FROM 1 FOR {INT})", "INT"),
            t("chr", "CHR({INT})", "INT"),
            t("chr-flag", "CHR(CASE WHEN {FLAG} THEN -5 ELSE 65 END)", "FLAG"),
            t("cast-text-integer", "CAST({CODE} AS INTEGER)", "CODE"),
            t("cast-text-bigint", "CAST({CODE} AS BIGINT)", "CODE"),
            t("cast-text-decimal", "CAST({CODE} AS DECIMAL(5, 0))", "CODE"),
            t("cast-text-double", "CAST({CODE} AS DOUBLE)", "CODE"),
            t("cast-text-date", "CAST(CASE WHEN {FLAG} THEN 'x' ELSE '2020-01-01' END AS DATE)", "FLAG"),
            t("cast-bigint-integer", "CAST({BIG} AS INTEGER)", "BIG"),
            t("cast-double-decimal", "CAST({DBL} AS DECIMAL(12, 2))", "DBL"),
            t("cast-double-integer", "CAST({DBL} AS INTEGER)", "DBL"),
            t("cast-double-bigint", "CAST({DBL} AS BIGINT)", "DBL"),
            t("int-plus-overflow", "{INT} + 1", "INT"),
            t("int-times-overflow", "{INT} * 2", "INT"),
            t("int-negate-overflow", "-{INT}", "INT"),
            t("abs-int-overflow", "ABS({INT})", "INT"),
            t("bigint-plus-overflow", "{BIG} + 1", "BIG"),
            t("bigint-times-overflow", "{BIG} * 3", "BIG"),
            t("abs-bigint-overflow", "ABS({BIG})", "BIG"),
            t("divide-by-zero", "100 / {INT}", "INT"),
            t("divide-by-flag", "100 / CASE WHEN {FLAG} THEN 0 ELSE 1 END", "FLAG"),
            t("mod-by-zero", "MOD(100, {INT})", "INT"),
            t("decimal-divide-by-zero", "CAST(1 AS DECIMAL(5, 2)) / CASE WHEN {FLAG} THEN 0 ELSE 1 END", "FLAG"),
            t("ln-zero", "LN(CASE WHEN {FLAG} THEN 0 ELSE 1 END)", "FLAG"),
            t("ln-negative", "LN(CASE WHEN {FLAG} THEN -1 ELSE 1 END)", "FLAG"),
            t("log10-negative", "LOG10(CASE WHEN {FLAG} THEN -1 ELSE 1 END)", "FLAG"),
            t("sqrt-negative", "SQRT(CASE WHEN {FLAG} THEN -1 ELSE 1 END)", "FLAG"),
            t("power-overflow", "POWER({DBL}, 1000)", "DBL"),
            t("acos-out-of-range", "ACOS(CASE WHEN {FLAG} THEN 2 ELSE 0 END)", "FLAG"),
            t("round-nan", "ROUND({DBL}, 2)", "DBL"),
            t("floor-infinite", "FLOOR({DBL})", "DBL"),
            t("repeat-negative", "REPEAT({KEY}, CASE WHEN {FLAG} THEN -3 ELSE 1 END)", "FLAG"),
            t("lpad-negative", "LPAD({KEY}, CASE WHEN {FLAG} THEN -3 ELSE 5 END)", "FLAG"),
            t("rpad-negative", "RPAD({KEY}, CASE WHEN {FLAG} THEN -3 ELSE 5 END)", "FLAG"),
            t("left-negative", "LEFT({KEY}, CASE WHEN {FLAG} THEN -3 ELSE 1 END)", "FLAG"),
            t("right-negative", "RIGHT({KEY}, CASE WHEN {FLAG} THEN -3 ELSE 1 END)", "FLAG"),
            t("overlay-negative", "OVERLAY({KEY} PLACING 'x' FROM CASE WHEN {FLAG} THEN -3 ELSE 1 END)", "FLAG"),
            t("regexp-invalid-pattern", "REGEXP_REPLACE({KEY}, {TEXT}, 'y')", "TEXT"),
            t("regexp-invalid-flag", "REGEXP_REPLACE({KEY}, CASE WHEN {FLAG} THEN '(' ELSE 'a' END, 'y')", "FLAG"),
            t(
                    "similar-invalid-pattern",
                    "CASE WHEN {KEY} SIMILAR TO CASE WHEN {FLAG} THEN '(' ELSE 'a%' END THEN 1 END",
                    "FLAG"),
            t("trim-long-character", "TRIM(BOTH CASE WHEN {FLAG} THEN 'xy' ELSE 'x' END FROM {KEY})", "FLAG"),
            t("date-plus-year-overflow", "{DATE} + INTERVAL '1' YEAR", "DATE"),
            t("date-minus-year-underflow", "{DATE} - INTERVAL '1' YEAR", "DATE"),
            t("timestampadd-overflow", "TIMESTAMPADD(YEAR, 5000, {DATE})", "DATE"),
            t("date-from-int", "DATE '2020-01-01' + CAST({INT} AS INTEGER) * INTERVAL '1' DAY", "INT"),
            t("substring-from-int", "SUBSTRING({KEY} FROM {INT} FOR 2)", "INT"),
            t("position-from", "POSITION('a' IN {KEY} FROM CASE WHEN {FLAG} THEN -1 ELSE 1 END)", "FLAG"),
            t("cast-int-from-text-length", "CAST(REPEAT('9', CHAR_LENGTH({CODE}) * 3) AS INTEGER)", "CODE"),
            t("exp-overflow", "EXP(CASE WHEN {FLAG} THEN 1000 ELSE 1 END)", "FLAG"),
            t("truncate-decimal", "TRUNCATE(CAST({DBL} AS DECIMAL(38, 2)), 1)", "DBL"),
            t("round-int-overflow", "ROUND({INT}, -1)", "INT"),
            t("round-bigint-overflow", "ROUND({BIG}, -1)", "BIG"),
            t("round-bigint-past-end", "ROUND({BIG}, -19)", "BIG"),
            t("round-digits-huge", "ROUND({BIG}, CASE WHEN {FLAG} THEN 2147483647 ELSE 0 END)", "BIG", "FLAG"),
            t(
                    "round-decimal-precision",
                    "ROUND(CAST(CASE WHEN {FLAG} THEN 999.99 ELSE 1 END AS DECIMAL(5, 2)), 1)",
                    "FLAG"),
            t("truncate-infinite", "TRUNCATE({DBL}, 1)", "DBL"),
            t("mod-bigint-minus-one", "MOD({BIG}, -1)", "BIG"),
            t("cast-nan-integer", "CAST(SQRT(CASE WHEN {FLAG} THEN -1 ELSE 1 END) AS INTEGER)", "FLAG"),
            t("cast-infinite-smallint", "CAST(EXP(CASE WHEN {FLAG} THEN 1000 ELSE 1 END) AS SMALLINT)", "FLAG"));

    /** Functions whose work and result grow with an argument, some only with the neighbour's. */
    private static final List<Template> COSTLY = List.of(
            t("lpad-constant", "LPAD({KEY}, 70000)"),
            t("rpad-constant", "RPAD({KEY}, 70000, 'y')"),
            t("repeat-constant", "REPEAT({KEY}, 20000)"),
            t("concat-constant", "{KEY} || LPAD('', 70000, 'y')"),
            t("lpad-flag", "LPAD('a', CASE WHEN {FLAG} THEN 1000000 ELSE 1 END)", "FLAG"),
            t("repeat-flag", "REPEAT('ab', CASE WHEN {FLAG} THEN 500000 ELSE 2 END)", "FLAG"),
            t("repeat-text", "REPEAT({TEXT}, 2)", "TEXT"),
            t("concat-text", "{TEXT} || {TEXT}", "TEXT"),
            t("lpad-text-length", "LPAD({TEXT}, CHAR_LENGTH({TEXT}) * 2)", "TEXT"),
            t("replace-text", "REPLACE({TEXT}, 'x', 'xx')", "TEXT"),
            t("rpad-int", "RPAD('a', CASE WHEN {INT} > 1000 THEN 1000000 ELSE 3 END)", "INT"));

    private static Template t(String name, String sql, String... needs) {
        return new Template(name, sql, List.of(needs));
    }

    private final SplittableRandom random;

    public NeighbourGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next statement of {@code family}. */
    public NeighbourQuery next(NeighbourFamily family) {
        return switch (family) {
            case BASELINE -> baseline();
            case UNIT_DISGUISE -> unitDisguise();
            case FAILING_FUNCTION -> failingFunction();
            case COSTLY_FUNCTION -> costlyFunction();
            case RELEASE_TWICE -> releaseTwice();
            case ORDER_PROBE -> orderProbe();
            case JOIN_ONLY_PROBE -> joinOnlyProbe();
            case CLAMP_PROBE -> clampProbe();
            case KEY_SET_PROBE -> keySetProbe();
        };
    }

    /** How many distinct shapes {@code family} has (unit disguises: disguise x context). */
    public static int shapeCount(NeighbourFamily family) {
        return switch (family) {
            case UNIT_DISGUISE -> DISGUISES.size() * CONTEXTS.size();
            case FAILING_FUNCTION -> FAILING.size();
            case COSTLY_FUNCTION -> COSTLY.size();
            default -> -1;
        };
    }

    private NeighbourQuery baseline() {
        Table table = pick(TABLES);
        List<String> aggregates = new ArrayList<>(List.of("COUNT(*)"));
        if (random.nextBoolean()) {
            aggregates.add(pick(List.of(
                    "COUNT(DISTINCT " + table.unit() + ")",
                    "SUM(" + bounded(table) + ")",
                    "AVG(" + bounded(table) + ")",
                    "COUNT(" + table.strCol() + ")")));
        }
        // One in four is a zero-row probe's filter (a grouped one answers with no rows, whatever the
        // data; a global one is no probe and goes through the policies).
        int filter = random.nextInt(4);
        String where = filter == 0 ? " WHERE " + table.strCol() + " <> 'zz'" : filter == 1 ? " WHERE 1 = 0" : "";
        boolean grouped = random.nextInt(4) != 0;
        String sql = "SELECT " + (grouped ? table.key() + " AS k, " : "") + String.join(", ", aggregates) + " FROM "
                + table.from() + where + (grouped ? " GROUP BY " + table.key() : "");
        if (random.nextInt(5) == 0) {
            sql = "SELECT * FROM (" + sql + ") q ORDER BY 1";
        }
        return NeighbourQuery.of(
                NeighbourFamily.BASELINE, table.name() + (grouped ? "-grouped" : "-global"), sql, Check.CLASS);
    }

    private static String bounded(Table table) {
        return table == ITEMS ? "t.dose" : table == PERSONS || table == PERSONS_VIEW ? "t.score" : "t.cost";
    }

    private NeighbourQuery unitDisguise() {
        Table table = pick(TABLES);
        Disguise disguise = pick(DISGUISES);
        Context context = pick(CONTEXTS);
        long constant = random.nextInt(4) == 0 ? 1 + random.nextInt(NeighbourWarehouse.BASE_PERSONS) : N;
        if (table == ITEMS) {
            constant = random.nextBoolean() ? 10_000 + random.nextInt(20) : 10 * (1 + random.nextInt(60));
        }
        String e = disguise.expr().apply(table.unit(), table.strCol());
        String k = disguise.constant().apply(constant, table.strCol());
        String groupKey =
                disguise.text() ? "SUBSTRING(" + e + " FROM 1 FOR 2)" : "(" + e + ") / " + (5 + random.nextInt(3));
        String sql = context.sql().apply(new String[] {table.from(), e, k, groupKey});
        return NeighbourQuery.of(
                NeighbourFamily.UNIT_DISGUISE, disguise.name() + "/" + context.name(), sql, Check.REJECT);
    }

    private Template applicable(List<Template> templates, Table table) {
        for (int attempt = 0; ; attempt++) {
            Template template = pick(templates);
            if (template.needs().stream().allMatch(role -> role(table, role) != null)) {
                return template;
            }
        }
    }

    private static String role(Table table, String role) {
        return switch (role) {
            case "INT" -> table.intCol();
            case "BIG" -> table.bigCol();
            case "TEXT" -> table.textCol();
            case "CODE" -> table.codeCol();
            case "DBL" -> table.doubleCol();
            case "DATE" -> table.dateCol();
            case "FLAG" -> table.flag();
            case "KEY" -> table.key();
            default -> throw new IllegalArgumentException(role);
        };
    }

    /** The template's SQL for {@code table}, every role replaced by the table's column. */
    static String instantiate(Template template, Table table) {
        String sql = template.sql();
        for (String role : List.of("INT", "BIG", "TEXT", "CODE", "DBL", "DATE", "FLAG", "KEY")) {
            String column = role(table, role);
            if (column != null) {
                sql = sql.replace("{" + role + "}", column);
            }
        }
        return sql;
    }

    private NeighbourQuery failingFunction() {
        Table table = pick(TABLES);
        Template template = applicable(FAILING, table);
        String f = instantiate(template, table);
        String sql = switch (random.nextInt(3)) {
            case 0 ->
                "SELECT " + table.key() + " AS k, COUNT(" + f + ") AS n FROM " + table.from() + " GROUP BY "
                        + table.key();
            case 1 -> "SELECT COUNT(*) AS n FROM " + table.from() + " WHERE (" + f + ") IS NOT NULL";
            default ->
                "SELECT " + table.key() + " AS k, COUNT(CASE WHEN (" + f + ") IS NULL THEN 1 END) AS n FROM "
                        + table.from() + " GROUP BY " + table.key();
        };
        return NeighbourQuery.of(NeighbourFamily.FAILING_FUNCTION, template.name(), sql, Check.CLASS);
    }

    private NeighbourQuery costlyFunction() {
        Table table = pick(TABLES);
        Template template = applicable(COSTLY, table);
        String f = instantiate(template, table);
        if (!table.dp() && random.nextBoolean()) {
            String sql = "SELECT " + table.key() + " AS k, COUNT(*) AS n, COUNT(CASE WHEN CHAR_LENGTH(" + f
                    + ") > 65536 THEN 1 END) AS over_cap FROM " + table.from() + " GROUP BY " + table.key();
            return new NeighbourQuery(
                    NeighbourFamily.COSTLY_FUNCTION,
                    template.name(),
                    sql,
                    Check.LENGTH_BOUND,
                    List.of(1, 2),
                    List.of(),
                    0,
                    0,
                    false);
        }
        String sql = random.nextBoolean()
                ? "SELECT " + f + " AS k, COUNT(*) AS n FROM " + table.from() + " GROUP BY " + f
                : "SELECT " + table.key() + " AS k, COUNT(*) AS n, SUM(CHAR_LENGTH(" + f + ")) AS len FROM "
                        + table.from() + " GROUP BY " + table.key();
        return NeighbourQuery.of(NeighbourFamily.COSTLY_FUNCTION, template.name(), sql, Check.CLASS);
    }

    private String outerRows() {
        int n = 2 + random.nextInt(5);
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add("(" + i + ", '" + NeighbourWarehouse.CLINICS.get(random.nextInt(2)) + "')");
        }
        return "(VALUES " + String.join(", ", rows) + ") AS v(x, c)";
    }

    private NeighbourQuery releaseTwice() {
        String aggregate = pick(List.of("COUNT(*)", "SUM(w.cost)", "AVG(w.cost)", "COUNT(w.kind)"));
        String filter = random.nextBoolean() ? "" : " WHERE w.kind <> '" + pick(NeighbourWarehouse.KINDS) + "'";
        String outer = outerRows();
        int shape = random.nextInt(6);
        return switch (shape) {
            case 0 ->
                same(
                        "scalar-subquery",
                        "SELECT v.x, (SELECT " + aggregate + " FROM nb.visits w" + filter + ") AS d FROM " + outer,
                        List.of(1),
                        List.of());
            case 1 ->
                same(
                        "scalar-subquery-arithmetic",
                        "SELECT v.x, (SELECT " + aggregate + " FROM nb.visits w" + filter + ") * 2 AS d FROM " + outer,
                        List.of(1),
                        List.of());
            case 2 ->
                same(
                        "cross-join",
                        "SELECT v.x, d.a FROM " + outer + " CROSS JOIN (SELECT " + aggregate + " AS a FROM nb.visits w"
                                + filter + ") d",
                        List.of(1),
                        List.of());
            case 3 ->
                same(
                        "cross-join-grouped",
                        "SELECT v.x, d.clinic, d.a FROM " + outer + " CROSS JOIN (SELECT" + " w.clinic, " + aggregate
                                + " AS a FROM nb.visits w" + filter + " GROUP BY w.clinic) d",
                        List.of(2),
                        List.of(1));
            case 4 ->
                same(
                        "left-join-on-true",
                        "SELECT v.x, d.a FROM " + outer + " LEFT JOIN (SELECT " + aggregate + " AS a FROM nb.visits w"
                                + filter + ") d ON TRUE",
                        List.of(1),
                        List.of());
            default ->
                same(
                        "correlated-subquery",
                        "SELECT v.x, v.c, (SELECT " + aggregate + " FROM nb.visits w WHERE w.clinic = v.c) AS d FROM "
                                + outer,
                        List.of(2),
                        List.of(1));
        };
    }

    private static NeighbourQuery same(String shape, String sql, List<Integer> values, List<Integer> keys) {
        return new NeighbourQuery(
                NeighbourFamily.RELEASE_TWICE, shape, sql, Check.SAME_VALUE, values, keys, 0, 0, false);
    }

    private NeighbourQuery orderProbe() {
        record Probe(String shape, String sql, int keys) {}
        List<Probe> probes = List.of(
                new Probe("persons-city", "SELECT t.city, COUNT(*) FROM nb.persons t GROUP BY t.city", 1),
                new Probe(
                        "persons-diagnosis", "SELECT t.diagnosis, COUNT(*) FROM nb.persons t GROUP BY t.diagnosis", 1),
                new Probe("persons-code", "SELECT t.code, COUNT(*) FROM nb.persons t GROUP BY t.code", 1),
                new Probe(
                        "persons-age-band",
                        "SELECT t.age / 10 AS band, COUNT(*) FROM nb.persons t GROUP BY t.age / 10",
                        1),
                new Probe(
                        "persons-city-diagnosis",
                        "SELECT t.city, t.diagnosis, COUNT(DISTINCT t.pid) FROM nb.persons t"
                                + " GROUP BY t.city, t.diagnosis",
                        2),
                new Probe("items-drug", "SELECT t.drug, COUNT(*) FROM nb.items t GROUP BY t.drug", 1),
                new Probe("items-qty", "SELECT t.qty, COUNT(*) FROM nb.items t GROUP BY t.qty", 1),
                new Probe("visits-kind", "SELECT t.kind, COUNT(*) FROM nb.visits t GROUP BY t.kind", 1),
                new Probe("visits-clinic", "SELECT t.clinic, COUNT(*) FROM nb.visits t GROUP BY t.clinic", 1),
                new Probe(
                        "visits-memo",
                        "SELECT t.memo, COUNT(*) FROM nb.visits t WHERE CHAR_LENGTH(t.memo) < 3" + " GROUP BY t.memo",
                        1),
                new Probe(
                        "visits-clinic-kind",
                        "SELECT t.clinic, t.kind, COUNT(*) FROM nb.visits t" + " GROUP BY t.clinic, t.kind",
                        2),
                new Probe(
                        "visits-month",
                        "SELECT EXTRACT(MONTH FROM t.day) AS m, COUNT(*) FROM nb.visits t"
                                + " GROUP BY EXTRACT(MONTH FROM t.day)",
                        1));
        Probe probe = pick(probes);
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < probe.keys(); i++) {
            keys.add(i);
        }
        return new NeighbourQuery(
                NeighbourFamily.ORDER_PROBE, probe.shape(), probe.sql(), Check.ORDER, keys, List.of(), 0, 0, false);
    }

    private NeighbourQuery joinOnlyProbe() {
        String join = " FROM nb.persons p LEFT JOIN lab.guess g ON p.ssn = g.ssn";
        Map<String, String> forms = Map.of(
                "left-join-is-null",
                join + " WHERE g.ssn IS NULL",
                "left-join-tag-is-null",
                join + " WHERE g.tag IS NULL",
                "left-join-coalesce",
                join + " WHERE COALESCE(g.tag, 'none') = 'none'",
                "right-join-is-null",
                " FROM lab.guess g RIGHT JOIN nb.persons p ON g.ssn = p.ssn WHERE g.ssn IS NULL",
                "full-join-is-null",
                " FROM nb.persons p FULL JOIN lab.guess g ON p.ssn = g.ssn WHERE g.ssn IS NULL"
                        + " AND p.pid IS NOT NULL",
                "not-exists",
                " FROM nb.persons p WHERE NOT EXISTS (SELECT 1 FROM lab.guess g WHERE g.ssn = p.ssn)",
                "not-in",
                " FROM nb.persons p WHERE p.ssn NOT IN (SELECT g.ssn FROM lab.guess g)",
                "case-is-null",
                join);
        List<String> names = new ArrayList<>(new java.util.TreeSet<>(forms.keySet()));
        String form = pick(names);
        String grouping = pick(List.of("", "p.city", "p.diagnosis"));
        String aggregate = form.equals("case-is-null") ? "COUNT(CASE WHEN g.ssn IS NULL THEN 1 END)" : "COUNT(*)";
        String sql = grouping.isEmpty()
                ? "SELECT " + aggregate + " AS n" + forms.get(form)
                : "SELECT " + grouping + " AS k, " + aggregate + " AS n" + forms.get(form) + " GROUP BY " + grouping;
        return NeighbourQuery.of(
                NeighbourFamily.JOIN_ONLY_PROBE, form + (grouping.isEmpty() ? "" : "/grouped"), sql, Check.REJECT);
    }

    private NeighbourQuery clampProbe() {
        record Bounded(String from, String column, double low, double high, String key, boolean dp) {}
        Bounded b = pick(List.of(
                new Bounded("nb.persons t", "t.score", 0, 100, "t.city", false),
                new Bounded("nb.items t", "t.dose", 0, 10, "t.drug", false),
                new Bounded("nb.visits t", "t.cost", 0, 1000, "t.clinic", true),
                new Bounded("nb.persons p JOIN nb.visits t ON t.pid = p.pid", "t.cost", 0, 1000, "p.city", true)));
        record Form(String name, String sql, double scale, double shift) {}
        Form form = pick(List.of(
                new Form("x", "X", 1, 0),
                new Form("x-times-2", "X * 2", 2, 0),
                new Form("x-plus-1", "X + 1", 1, 1),
                new Form("x-half", "X / 2", 0.5, 0),
                new Form("x-times-x", "X * X", Double.NaN, 0)));
        String expr = form.sql().replace("X", b.column());
        double low;
        double high;
        if (Double.isNaN(form.scale())) {
            low = Math.min(0, b.low() * b.high());
            high = Math.max(b.low() * b.low(), b.high() * b.high());
        } else {
            low = b.low() * form.scale() + form.shift();
            high = b.high() * form.scale() + form.shift();
        }
        String aggregate = pick(List.of("SUM", "AVG"));
        boolean grouped = random.nextBoolean();
        String where = random.nextInt(3) == 0 ? " WHERE " + b.column() + " > " + random.nextInt(5) : "";
        String sql = "SELECT " + (grouped ? b.key() + " AS k, " : "") + "COUNT(*) AS n, " + aggregate + "(" + expr
                + ") AS v FROM " + b.from() + where + (grouped ? " GROUP BY " + b.key() : "");
        String shape = aggregate.toLowerCase(java.util.Locale.ROOT) + "-" + form.name() + (b.dp() ? "-dp" : "-mgs");
        int offset = grouped ? 1 : 0;
        if (b.dp()) {
            return new NeighbourQuery(
                    NeighbourFamily.CLAMP_PROBE,
                    shape,
                    sql,
                    Check.FINITE,
                    List.of(offset + 1),
                    List.of(),
                    low,
                    high,
                    aggregate.equals("SUM"));
        }
        return new NeighbourQuery(
                NeighbourFamily.CLAMP_PROBE,
                shape,
                sql,
                Check.CLAMP_RANGE,
                List.of(offset, offset + 1),
                List.of(),
                low,
                high,
                aggregate.equals("SUM"));
    }

    /**
     * A DP aggregate over the visits, grouped by a day, a visit id or a ward, joined with or filtered
     * by a key set: the analyst's own {@code lab.days} / {@code ids} / {@code wards} (public to the analyst, holding
     * the keys only the neighbour has), all of it or a part, a set released from a DP or a MIN
     * GROUP SIZE table, or the analyst's set narrowed by a released one. One in ten is the
     * detector's negative control: the analyst's keys themselves, listed beside a DP value.
     */
    private NeighbourQuery keySetProbe() {
        int keyKind = random.nextInt(3);
        String column = List.of("day", "visit_id", "ward").get(keyKind);
        String key = "t." + column;
        String own = List.of("lab.days", "lab.ids", "lab.wards").get(keyKind);
        record Source(String name, String from) {}
        Source source = pick(List.of(
                new Source("visits", "nb.visits t"),
                new Source("visits-view", "nb.visits_v t"),
                new Source("persons+visits", "nb.persons p0 JOIN nb.visits t ON t.pid = p0.pid")));
        String aggregate = pick(List.of("COUNT(*)", "SUM(t.cost)", "AVG(t.cost)", "COUNT(t.kind)"));
        String released = "SELECT t2." + column + " AS k FROM nb.visits t2 GROUP BY t2." + column;
        String protectedSet = pick(List.of(
                released,
                switch (keyKind) {
                    case 0 -> "SELECT p2.born AS k FROM nb.persons p2 GROUP BY p2.born";
                    case 1 -> "SELECT i2.visit_id AS k FROM nb.items i2 GROUP BY i2.visit_id";
                    default -> "SELECT p2.age AS k FROM nb.persons p2 GROUP BY p2.age";
                }));
        record KeySet(String name, String from, String where) {}
        KeySet set = pick(List.of(
                new KeySet("own", own + " d", ""),
                new KeySet("own-part", own + " d", " WHERE d.tag = '" + pick(List.of("a", "b")) + "'"),
                new KeySet("own-empty", own + " d", " WHERE d.tag = 'none'"),
                new KeySet("released", "(" + protectedSet + ") d", ""),
                new KeySet(
                        "own-narrowed",
                        "(SELECT d0.k FROM " + own + " d0 JOIN (" + protectedSet + ") w ON d0.k = w.k) d",
                        "")));
        String shapeName = set.name() + "/" + source.name();
        if (random.nextInt(10) == 0) {
            String sql = "SELECT d.k, (SELECT " + aggregate + " FROM " + source.from() + " WHERE " + key
                    + " = d.k) AS v FROM " + own + " d";
            return new NeighbourQuery(
                    NeighbourFamily.KEY_SET_PROBE,
                    "control-own-keys/" + source.name(),
                    sql,
                    Check.KEYS_PRESENT,
                    List.of(0),
                    List.of(),
                    0,
                    0,
                    false);
        }
        String inner = "SELECT " + key + " AS k, " + aggregate + " AS v FROM " + source.from();
        if (set.from().startsWith(own) && random.nextInt(4) == 0) {
            // The analyst's table joined inside the DP aggregate (the batch path's join with a
            // public table, TPC-H Q14's shape), a CASE on its columns choosing what is summed.
            String value = pick(List.of(
                    aggregate,
                    "SUM(CASE WHEN d.tag = 'a' THEN t.cost ELSE 0 END)",
                    "COUNT(CASE WHEN d.tag LIKE 'b%' THEN t.kind END)"));
            String joined = "SELECT " + key + " AS k, " + value + " AS v FROM " + source.from() + " JOIN " + set.from()
                    + " ON " + key + " = d.k" + set.where() + " GROUP BY " + key;
            return new NeighbourQuery(
                    NeighbourFamily.KEY_SET_PROBE,
                    set.name() + "-joined-inside/" + source.name(),
                    joined,
                    Check.KEYS_ABSENT,
                    List.of(0),
                    List.of(),
                    0,
                    0,
                    false);
        }
        String sql = switch (random.nextInt(3)) {
            case 0 ->
                "SELECT s.k, s.v FROM (" + inner + " GROUP BY " + key + ") s JOIN " + set.from() + " ON s.k = d.k"
                        + set.where();
            case 1 ->
                inner + " WHERE " + key + " IN (SELECT d.k FROM " + set.from() + set.where() + ") GROUP BY " + key;
            default ->
                "SELECT s.k, s.v FROM (" + inner + " GROUP BY " + key + ") s WHERE EXISTS (SELECT 1 FROM " + set.from()
                        + set.where() + (set.where().isEmpty() ? " WHERE" : " AND") + " d.k = s.k)";
        };
        return new NeighbourQuery(
                NeighbourFamily.KEY_SET_PROBE, shapeName, sql, Check.KEYS_ABSENT, List.of(0), List.of(), 0, 0, false);
    }

    /** Every distinct shape name of the unit disguises, to count them. */
    static Set<String> unitDisguiseShapes() {
        Set<String> shapes = new LinkedHashSet<>();
        for (Disguise d : DISGUISES) {
            for (Context c : CONTEXTS) {
                shapes.add(d.name() + "/" + c.name());
            }
        }
        return shapes;
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
