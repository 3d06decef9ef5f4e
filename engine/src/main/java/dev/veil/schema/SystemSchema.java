package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditEntry;
import dev.veil.audit.AuditLog;
import dev.veil.audit.ErasureLog;
import dev.veil.budget.BudgetLedger;
import dev.veil.budget.BudgetStatus;
import dev.veil.budget.LedgerEntry;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.control.RunningStatements;
import dev.veil.control.StatementControl;
import dev.veil.policy.ObjectAccess;
import dev.veil.policy.PolicyListing;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.StoredRules;
import dev.veil.storage.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The schema {@value #NAME}: system tables computed when they are scanned, for the user running
 * the statement (taken from the execution context, never from the SQL).
 * <ul>
 *   <li>{@code veil.policies}: what is protected and how; every user sees the policies that apply
 *       to them (admins: all), never a data value nor a row filter's predicate (admins excepted);</li>
 *   <li>{@code veil.my_queries}: the caller's own audit entries;</li>
 *   <li>{@code veil.audit}: every audit entry; admins only, others get ACCESS_DENIED;</li>
 *   <li>{@code veil.my_budget}: the caller's privacy budget and what is left of it in the current
 *       window (no row for admins and users without a budget);</li>
 *   <li>{@code veil.budget_ledger}: every budget charge; admins only, others get ACCESS_DENIED;</li>
 *   <li>{@code veil.running_statements}: the statements running now (an analyst's own, every
 *       user's for admins), with their audit id for {@code CANCEL STATEMENT};</li>
 *   <li>{@code veil.erasure_log}: every EXPORT and ERASE PRIVACY UNIT, with the unit's keyed
 *       fingerprint (never its value); admins only.</li>
 *   <li>{@code veil.data_use}: per day, purpose, user, table and category, the statements that read
 *       it; admins only ({@link DataUse}).</li>
 *   <li>{@code veil.consent_coverage}: per consent source, purpose and category, the units that
 *       consent, those whose consent ends within 30 days, and the share of each consent-required
 *       table's rows visible; admins only.</li>
 * </ul>
 *
 * <p>Adding a system table: its columns and rows here ({@code tables}, {@link #tableNames},
 * {@link #description}, {@link #rowType}, {@code ADMIN_ONLY} if only admins read it), then the
 * listings that name every system table: sql-tests' {@code catalog_sql.test} (SHOW TABLES IN
 * veil), jdbc-driver's {@code MetadataIT} and its schemacrawler outputs ({@code admin.txt}, and
 * {@code analyst.txt} when analysts read it), and docs/sql-reference.md.
 * <ul>
 * </ul>
 */
public final class SystemSchema extends AbstractSchema {
    /** The schema's name; it shadows a catalog schema of the same name. */
    public static final String NAME = "veil";

    private final Map<String, Table> tables;

    public SystemSchema(Warehouse warehouse) {
        SqliteCatalog catalog = requireNonNull(warehouse, "warehouse is null").sqliteCatalog();
        this.tables = Map.of(
                "policies",
                        new SystemTable(
                                POLICY_COLUMNS,
                                (user, principals, root) -> policies(catalog, user, principals),
                                catalog),
                "my_queries",
                        new SystemTable(
                                MY_QUERY_COLUMNS,
                                (user, principals, root) -> myQueries(catalog, user, self(warehouse, root)),
                                catalog),
                "audit",
                        new SystemTable(
                                AUDIT_COLUMNS,
                                (user, principals, root) ->
                                        audit(warehouse, user, principals, self(warehouse, root), root),
                                catalog),
                "my_budget",
                        new SystemTable(
                                MY_BUDGET_COLUMNS,
                                (user, principals, root) -> myBudget(catalog, user, principals),
                                catalog),
                "budget_ledger",
                        new SystemTable(
                                LEDGER_COLUMNS,
                                (user, principals, root) -> budgetLedger(catalog, user, principals),
                                catalog),
                "running_statements",
                        new SystemTable(
                                RUNNING_COLUMNS,
                                (user, principals, root) ->
                                        runningStatements(RunningStatements.of(warehouse), user, principals),
                                catalog),
                "erasure_log",
                        new SystemTable(
                                ERASURE_COLUMNS,
                                (user, principals, root) -> erasureLog(catalog, user, principals),
                                catalog),
                "purposes",
                        new SystemTable(
                                PURPOSE_COLUMNS,
                                (user, principals, root) -> purposes(catalog, user, principals),
                                catalog),
                "data_use",
                        new SystemTable(
                                DATA_USE_COLUMNS,
                                (user, principals, root) -> dataUse(catalog, user, principals),
                                catalog),
                "consent_coverage",
                        new SystemTable(
                                COVERAGE_COLUMNS,
                                (user, principals, root) -> coverage(warehouse, user, principals, root),
                                catalog));
    }

    /** The system tables only admins may read, with where everyone else finds their own rows. */
    private static final Map<String, String> ADMIN_ONLY = Map.of(
            "audit", "your own statements are in veil.my_queries",
            "data_use", "your own statements are in veil.my_queries",
            "consent_coverage", "whether people consented is personal data",
            "budget_ledger", "your own budget is in veil.my_budget",
            "erasure_log", "it records which privacy units were exported or erased");

    /**
     * Fails with ACCESS_DENIED unless {@code user} (an admin when {@code admin}) may read the
     * system table {@code table}. Checked when a statement that names the table is planned, so
     * that no plan (one that reads nothing, such as a zero-row probe) answers without the check,
     * and again as the table is read.
     */
    public static void checkReadable(String table, String user, boolean admin) {
        String elsewhere = ADMIN_ONLY.get(table);
        if (elsewhere != null && !admin) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Reading veil." + table + " requires the admin role; user '" + user + "' does not have it ("
                            + elsewhere + ")");
        }
    }

    /** The names of the system tables, sorted. */
    public static List<String> tableNames() {
        return List.of(
                "audit",
                "budget_ledger",
                "consent_coverage",
                "data_use",
                "erasure_log",
                "my_budget",
                "my_queries",
                "policies",
                "purposes",
                "running_statements");
    }

    /** Whether {@code table} is a system table that a user (an admin when {@code admin}) may read. */
    public static boolean readable(String table, boolean admin) {
        return tableNames().contains(table) && (admin || !ADMIN_ONLY.containsKey(table));
    }

    /** What a system table holds, in one sentence (the REMARKS of JDBC metadata). */
    public static String description(String table) {
        return switch (table) {
            case "policies" -> "The policies that apply to you (admins: all); row filter predicates only for admins";
            case "my_queries" -> "Your own audited statements";
            case "audit" -> "Every audited statement (admins only)";
            case "my_budget" -> "Your privacy budget and what is left of it in the current window";
            case "budget_ledger" -> "Every privacy budget charge (admins only)";
            case "running_statements" -> "The statements running now (yours; every user's for admins)";
            case "erasure_log" -> "Every export and erasure of a privacy unit, by fingerprint (admins only)";
            case "purposes" -> "The purposes statements run under, and whether you may use each (SET PURPOSE)";
            case "data_use" -> "Statements per day, purpose, user, table and data category (admins only)";
            case "consent_coverage" -> "Units consenting per purpose and category, and rows visible (admins only)";
            default -> throw new IllegalArgumentException("no system table " + table);
        };
    }

    /** The row type of the system table {@code table}, as queries see it. */
    public static RelDataType rowType(String table, RelDataTypeFactory typeFactory) {
        List<SystemColumn> columns = switch (table) {
            case "policies" -> POLICY_COLUMNS;
            case "my_queries" -> MY_QUERY_COLUMNS;
            case "audit" -> AUDIT_COLUMNS;
            case "my_budget" -> MY_BUDGET_COLUMNS;
            case "budget_ledger" -> LEDGER_COLUMNS;
            case "running_statements" -> RUNNING_COLUMNS;
            case "erasure_log" -> ERASURE_COLUMNS;
            case "purposes" -> PURPOSE_COLUMNS;
            case "data_use" -> DATA_USE_COLUMNS;
            case "consent_coverage" -> COVERAGE_COLUMNS;
            default -> throw new IllegalArgumentException("no system table " + table);
        };
        return SystemTable.rowType(columns, typeFactory);
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }

    @Override
    public boolean isMutable() {
        return false;
    }

    /** A column of a system table: its name, type and whether it may be NULL. */
    private record SystemColumn(String name, SqlTypeName type, boolean nullable) {}

    private static final List<SystemColumn> POLICY_COLUMNS = List.of(
            new SystemColumn("schema_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("table_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("column_name", SqlTypeName.VARCHAR, true),
            new SystemColumn("policy", SqlTypeName.VARCHAR, false),
            new SystemColumn("role_name", SqlTypeName.VARCHAR, true),
            new SystemColumn("definition", SqlTypeName.VARCHAR, false));

    private static final List<SystemColumn> MY_QUERY_COLUMNS = List.of(
            new SystemColumn("id", SqlTypeName.BIGINT, false),
            new SystemColumn("at", SqlTypeName.TIMESTAMP, false),
            new SystemColumn("kind", SqlTypeName.VARCHAR, false),
            new SystemColumn("statement", SqlTypeName.VARCHAR, false),
            new SystemColumn("decision", SqlTypeName.VARCHAR, false),
            new SystemColumn("reason", SqlTypeName.VARCHAR, true),
            new SystemColumn("rows_returned", SqlTypeName.BIGINT, true),
            new SystemColumn("epsilon", SqlTypeName.DOUBLE, false),
            new SystemColumn("delta", SqlTypeName.DOUBLE, false),
            new SystemColumn("finished_at", SqlTypeName.TIMESTAMP, true),
            new SystemColumn("replays", SqlTypeName.BIGINT, false),
            new SystemColumn("purpose", SqlTypeName.VARCHAR, true),
            new SystemColumn("data_read", SqlTypeName.VARCHAR, true));

    private static final List<SystemColumn> DATA_USE_COLUMNS = List.of(
            new SystemColumn("day", SqlTypeName.DATE, false),
            new SystemColumn("purpose", SqlTypeName.VARCHAR, true),
            new SystemColumn("user_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("table_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("category", SqlTypeName.VARCHAR, false),
            new SystemColumn("statements", SqlTypeName.BIGINT, false));

    private static final List<SystemColumn> COVERAGE_COLUMNS = List.of(
            new SystemColumn("consent_source", SqlTypeName.VARCHAR, false),
            new SystemColumn("purpose", SqlTypeName.VARCHAR, false),
            new SystemColumn("category", SqlTypeName.VARCHAR, false),
            new SystemColumn("units_consenting", SqlTypeName.BIGINT, false),
            new SystemColumn("expiring_within_30_days", SqlTypeName.BIGINT, false),
            new SystemColumn("table_name", SqlTypeName.VARCHAR, true),
            new SystemColumn("rows_visible", SqlTypeName.BIGINT, true),
            new SystemColumn("rows_total", SqlTypeName.BIGINT, true),
            new SystemColumn("visible_share", SqlTypeName.DOUBLE, true));

    private static final List<SystemColumn> AUDIT_COLUMNS = auditColumns();

    private static final List<SystemColumn> MY_BUDGET_COLUMNS = List.of(
            new SystemColumn("budget", SqlTypeName.VARCHAR, false),
            new SystemColumn("refill_window", SqlTypeName.VARCHAR, false),
            new SystemColumn("epsilon_limit", SqlTypeName.DOUBLE, false),
            new SystemColumn("delta_limit", SqlTypeName.DOUBLE, false),
            new SystemColumn("epsilon_spent", SqlTypeName.DOUBLE, false),
            new SystemColumn("delta_spent", SqlTypeName.DOUBLE, false),
            new SystemColumn("epsilon_remaining", SqlTypeName.DOUBLE, false),
            new SystemColumn("delta_remaining", SqlTypeName.DOUBLE, false),
            new SystemColumn("refills_at", SqlTypeName.TIMESTAMP, true));

    private static final List<SystemColumn> LEDGER_COLUMNS = List.of(
            new SystemColumn("id", SqlTypeName.BIGINT, false),
            new SystemColumn("user_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("budget", SqlTypeName.VARCHAR, false),
            new SystemColumn("epsilon", SqlTypeName.DOUBLE, false),
            new SystemColumn("delta", SqlTypeName.DOUBLE, false),
            new SystemColumn("charged_at", SqlTypeName.TIMESTAMP, false),
            new SystemColumn("statement", SqlTypeName.VARCHAR, false));

    private static final List<SystemColumn> RUNNING_COLUMNS = List.of(
            new SystemColumn("id", SqlTypeName.BIGINT, false),
            new SystemColumn("user_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("started_at", SqlTypeName.TIMESTAMP, false),
            new SystemColumn("elapsed_ms", SqlTypeName.BIGINT, false),
            new SystemColumn("time_limit_ms", SqlTypeName.BIGINT, true),
            new SystemColumn("state", SqlTypeName.VARCHAR, false),
            new SystemColumn("statement", SqlTypeName.VARCHAR, false));

    private static final List<SystemColumn> ERASURE_COLUMNS = List.of(
            new SystemColumn("id", SqlTypeName.BIGINT, false),
            new SystemColumn("at", SqlTypeName.TIMESTAMP, false),
            new SystemColumn("user_name", SqlTypeName.VARCHAR, false),
            new SystemColumn("action", SqlTypeName.VARCHAR, false),
            new SystemColumn("unit_table", SqlTypeName.VARCHAR, false),
            new SystemColumn("unit_fingerprint", SqlTypeName.VARCHAR, false),
            new SystemColumn("row_counts", SqlTypeName.VARCHAR, false));
    private static final List<SystemColumn> PURPOSE_COLUMNS = List.of(
            new SystemColumn("name", SqlTypeName.VARCHAR, false),
            new SystemColumn("comment", SqlTypeName.VARCHAR, true),
            new SystemColumn("renewal_days", SqlTypeName.INTEGER, true),
            new SystemColumn("usable", SqlTypeName.BOOLEAN, false));

    /** Every purpose, and whether {@code user} may run under it. */
    private static List<Object[]> purposes(SqliteCatalog catalog, String user, Principals principals) {
        dev.veil.catalog.Purposes purposes = new dev.veil.catalog.Purposes(catalog);
        Principals.Principal principal = principals.principalOf(user);
        List<Object[]> rows = new ArrayList<>();
        for (dev.veil.catalog.Purposes.Purpose p : purposes.all()) {
            rows.add(new Object[] {
                p.name(),
                p.comment().orElse(null),
                p.renewalDays().isPresent() ? p.renewalDays().getAsInt() : null,
                purposes.allowed(principal, p.name())
            });
        }
        return rows;
    }

    private static List<SystemColumn> auditColumns() {
        List<SystemColumn> columns = new ArrayList<>(MY_QUERY_COLUMNS);
        columns.add(2, new SystemColumn("user_name", SqlTypeName.VARCHAR, false));
        columns.add(new SystemColumn("units_touched", SqlTypeName.BIGINT, true));
        return List.copyOf(columns);
    }

    /** How a system table computes its rows for the user running the statement of {@code root}. */
    @FunctionalInterface
    private interface Rows {
        List<Object[]> of(String user, Principals principals, DataContext root);
    }

    /** A table whose rows are computed for the current user at each scan. */
    private static final class SystemTable extends AbstractTable implements ScannableTable {
        private final List<SystemColumn> columns;
        private final Rows rows;
        private final SqliteCatalog catalog;

        SystemTable(List<SystemColumn> columns, Rows rows, SqliteCatalog catalog) {
            this.columns = columns;
            this.rows = rows;
            this.catalog = catalog;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            return rowType(columns, typeFactory);
        }

        static RelDataType rowType(List<SystemColumn> columns, RelDataTypeFactory typeFactory) {
            RelDataTypeFactory.Builder builder = typeFactory.builder();
            for (SystemColumn c : columns) {
                RelDataType type = c.type() == SqlTypeName.TIMESTAMP
                        ? typeFactory.createSqlType(SqlTypeName.TIMESTAMP, 3)
                        : typeFactory.createSqlType(c.type());
                builder.add(c.name(), typeFactory.createTypeWithNullability(type, c.nullable()));
            }
            return builder.build();
        }

        @Override
        public Enumerable<Object[]> scan(DataContext root) {
            Object user = root.get(DataContext.Variable.USER.camelName);
            if (!(user instanceof String name)) {
                throw VeilException.internal("system table scanned without a user", null);
            }
            return Linq4j.asEnumerable(rows.of(name, new Principals(catalog), root));
        }
    }

    /** The principal of {@code user}; a warehouse without users has only its default admin. */
    private static Principal principal(String user, Principals principals) {
        return principals
                .user(user)
                .orElseGet(() -> new Principal(user, principals.isAdmin(user) ? Set.of(Principals.ADMIN) : Set.of()));
    }

    private static List<Object[]> policies(SqliteCatalog catalog, String user, Principals principals) {
        List<Object[]> rows = new ArrayList<>();
        Principal principal = principal(user, principals);
        List<PolicyListing.Row> listing = catalog.read(c -> {
            StoredRules stored = new StoredRules(catalog);
            return PolicyListing.visibleTo(
                    new SqlitePolicyStore(catalog).all(), stored.tables(), stored.schemas(), principal);
        });
        // The policies of tables the user may not see (a restricted schema's) would name those tables.
        ObjectAccess objects = new ObjectAccess(catalog, principal);
        for (PolicyListing.Row r : listing) {
            if (!objects.canSee(r.table())) {
                continue;
            }
            rows.add(new Object[] {
                r.table().schema(),
                r.table().table(),
                r.column().orElse(null),
                r.kind(),
                r.role().orElse(null),
                r.definition()
            });
        }
        return rows;
    }

    /**
     * The audit id of the statement scanning, found by its cancel flag among the running ones (-1
     * if none): the audit tables leave it out, as they did when entries were written at the end.
     */
    private static long self(Warehouse warehouse, DataContext root) {
        return RunningStatements.of(warehouse)
                .idOf(StatementControl.cancelFlag(root))
                .orElse(-1L);
    }

    private static List<Object[]> myQueries(SqliteCatalog catalog, String user, long self) {
        List<Object[]> rows = new ArrayList<>();
        for (AuditEntry e : new AuditLog(catalog).entriesOf(user)) {
            if (e.id() == self) {
                continue;
            }
            rows.add(new Object[] {
                e.id(),
                e.at(),
                e.kind().name(),
                e.statement(),
                e.decision().name(),
                e.reason().orElse(null),
                boxed(e.rowsReturned()),
                e.epsilon(),
                e.delta(),
                boxed(e.finishedAt()),
                (long) e.replays(),
                e.purpose().orElse(null),
                e.reads().orElse(null)
            });
        }
        return rows;
    }

    private static List<Object[]> audit(
            Warehouse warehouse, String user, Principals principals, long self, DataContext root) {
        SqliteCatalog catalog = warehouse.sqliteCatalog();
        checkReadable("audit", user, principals.isAdmin(user));
        List<Object[]> rows = new ArrayList<>();
        DataUse use = new DataUse(warehouse);
        java.util.concurrent.atomic.AtomicBoolean cancel = StatementControl.cancelFlag(root);
        for (AuditEntry e : new AuditLog(catalog).entries()) {
            StatementControl.check(cancel);
            if (e.id() == self) {
                continue;
            }
            rows.add(new Object[] {
                e.id(),
                e.at(),
                e.user(),
                e.kind().name(),
                e.statement(),
                e.decision().name(),
                e.reason().orElse(null),
                boxed(e.rowsReturned()),
                e.epsilon(),
                e.delta(),
                boxed(e.finishedAt()),
                (long) e.replays(),
                e.purpose().orElse(null),
                e.reads().orElse(null),
                boxed(use.unitsTouched(e, principals))
            });
        }
        return rows;
    }

    private static List<Object[]> dataUse(SqliteCatalog catalog, String user, Principals principals) {
        checkReadable("data_use", user, principals.isAdmin(user));
        return DataUse.dataUse(new AuditLog(catalog).entries());
    }

    private static List<Object[]> coverage(Warehouse warehouse, String user, Principals principals, DataContext root) {
        checkReadable("consent_coverage", user, principals.isAdmin(user));
        Object now = root.get(DataContext.Variable.UTC_TIMESTAMP.camelName);
        return new DataUse(warehouse).coverage(now instanceof Long l ? l : System.currentTimeMillis());
    }

    private static List<Object[]> myBudget(SqliteCatalog catalog, String user, Principals principals) {
        List<Object[]> rows = new ArrayList<>();
        for (BudgetStatus b : BudgetLedger.of(catalog).status(principals.principalOf(user)).stream()
                .toList()) {
            rows.add(new Object[] {
                b.budgetName(),
                b.window().name(),
                b.epsilonLimit(),
                b.deltaLimit(),
                b.epsilonSpent(),
                b.deltaSpent(),
                b.epsilonRemaining(),
                b.deltaRemaining(),
                b.refillsAt().map(java.time.Instant::toEpochMilli).orElse(null)
            });
        }
        return rows;
    }

    private static List<Object[]> budgetLedger(SqliteCatalog catalog, String user, Principals principals) {
        checkReadable("budget_ledger", user, principals.isAdmin(user));
        List<Object[]> rows = new ArrayList<>();
        for (LedgerEntry e : BudgetLedger.of(catalog).entries()) {
            rows.add(new Object[] {
                e.id(),
                e.user(),
                e.budget(),
                e.epsilon(),
                e.delta(),
                e.chargedAt().toEpochMilli(),
                e.statement()
            });
        }
        return rows;
    }

    private static List<Object[]> erasureLog(SqliteCatalog catalog, String user, Principals principals) {
        checkReadable("erasure_log", user, principals.isAdmin(user));
        List<Object[]> rows = new ArrayList<>();
        for (ErasureLog.Entry e : new ErasureLog(catalog).entries()) {
            rows.add(new Object[] {
                e.id(), e.at(), e.user(), e.action().name(), e.unitTable(), e.fingerprint(), e.rowCounts()
            });
        }
        return rows;
    }

    private static List<Object[]> runningStatements(RunningStatements running, String user, Principals principals) {
        boolean admin = principals.isAdmin(user);
        List<Object[]> rows = new ArrayList<>();
        for (RunningStatements.Running r : running.all()) {
            if (admin || r.user().equals(user)) {
                rows.add(new Object[] {
                    r.id(),
                    r.user(),
                    r.startedAtMillis(),
                    r.elapsed().toMillis(),
                    r.control().limit().map(java.time.Duration::toMillis).orElse(null),
                    r.state(),
                    r.statement()
                });
            }
        }
        return rows;
    }

    private static Long boxed(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
