package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.StatementText;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.storage.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The privacy-budget ledger: charges the cost of a noisy query to the user who runs it, before
 * the query runs, and refuses it when the budget that applies has too little left.
 *
 * <p>The budget that applies to a user is the one assigned to the user; without one, the
 * strictest of its roles' budgets (the one with the least epsilon left, then the least delta);
 * without any, the user cannot spend at all. Spending is counted per user over the budget's
 * current calendar window (see {@link RefillWindow}), across every charge of that user whatever
 * budget it was made under, so that changing a user's budget never resets what it spent.
 *
 * <p>A charge checks the limit and appends to the ledger in one catalog write transaction
 * ({@code BEGIN IMMEDIATE}, under the catalog's lock), so concurrent charges are serialized and
 * cannot overspend together. The catalog commits with {@code synchronous=FULL} in WAL mode, so a
 * charge that returned is on disk: it survives the process being killed, and power loss too on
 * a disk that honours fsync.
 *
 * <p>Stateless apart from the catalog; cheap to create per statement.
 */
public final class BudgetLedger {
    private static final String COLUMNS =
            "id, user_name, budget_name, epsilon, delta, charged_at, window_start, statement";

    private final SqliteCatalog catalog;
    private final Clock clock;

    private BudgetLedger(SqliteCatalog catalog, Clock clock) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The ledger of {@code warehouse}, on the system clock. */
    public static BudgetLedger of(Warehouse warehouse) {
        return of(requireNonNull(warehouse, "warehouse is null").sqliteCatalog());
    }

    /** The ledger kept in {@code catalog}, on the system clock. */
    public static BudgetLedger of(SqliteCatalog catalog) {
        return new BudgetLedger(catalog, Clock.systemUTC());
    }

    /** This ledger reading the time from {@code clock} (for tests; SQL cannot reach it). */
    public BudgetLedger withClock(Clock clock) {
        return new BudgetLedger(catalog, clock);
    }

    /**
     * Charges {@code epsilon} and {@code delta} to {@code principal} for {@code statement}, durably,
     * or fails with BUDGET_EXHAUSTED (nothing charged) when the budget that applies has too little
     * left or no budget applies. Admins are never charged: for them this records nothing and
     * returns a charge that is not {@link Charge#recorded()}.
     *
     * <p>Must not be called inside a catalog transaction: the charge commits by itself before it returns.
     *
     * @param statement the statement that spends it, without passwords; only admins can read it back
     */
    public Charge charge(Principal principal, double epsilon, double delta, String statement) {
        return charge(principal, epsilon, delta, statement, (c, charge) -> {});
    }

    /** Something written with a charge, in the same transaction: it commits with the charge, or neither does. */
    @FunctionalInterface
    public interface ChargeRecord {
        void record(Connection catalog, Charge charge) throws SQLException;
    }

    /**
     * As {@link #charge(Principal, double, double, String)}; {@code record} runs inside the charge's
     * transaction with the charge made (for admins, with the unrecorded charge of 0), so that
     * whatever it writes (the statement's audit entry) agrees with the ledger.
     */
    public Charge charge(Principal principal, double epsilon, double delta, String statement, ChargeRecord record) {
        return charge(principal, epsilon, delta, statement, record, true);
    }

    /**
     * As {@link #charge(Principal, double, double, String, ChargeRecord)}, but returns before the
     * charge is on disk ({@link SqliteCatalog#writeLogUnsynced}): the check and the charge are one
     * atomic commit as always, so concurrent charges never overspend, and the commit survives the
     * process dying; only a power failure before the next synced commit could lose it. So the caller
     * must release nothing the charge pays for until a synced catalog commit made after this one
     * returned (which syncs every commit before it): a query's rows wait for its audit entry's
     * synced write ({@code session/AuditedRows}), made while it runs.
     */
    public Charge chargeBeforeSyncedRelease(
            Principal principal, double epsilon, double delta, String statement, ChargeRecord record) {
        return charge(principal, epsilon, delta, statement, record, false);
    }

    private Charge charge(
            Principal principal, double epsilon, double delta, String statement, ChargeRecord record, boolean synced) {
        requireNonNull(principal, "principal is null");
        requireNonNull(record, "record is null");
        requireNonNull(statement, "statement is null");
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0: " + epsilon);
        }
        if (!(delta >= 0) || !(delta <= 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1]: " + delta);
        }
        if (catalog.inTransaction()) {
            throw new IllegalStateException("a budget charge commits by itself; call it outside a catalog transaction");
        }
        if (principal.isAdmin()) {
            Charge none = new Charge(0, principal.name(), Optional.empty(), 0, 0, clock.instant());
            SqliteCatalog.SqlWork<Void> write = c -> {
                record.record(c, none);
                return null;
            };
            if (synced) {
                catalog.writeLog(write);
            } else {
                catalog.writeLogUnsynced(write);
            }
            return none;
        }
        String text = StatementText.limit(statement);
        SqliteCatalog.SqlWork<Charge> write = c -> {
            // The clock is read inside the transaction, so charges are in the ledger in time order.
            Instant now = clock.instant();
            BudgetStatus status = applicable(c, principal, now).orElseThrow(() -> noBudget(principal));
            if (!status.fits(epsilon, delta)) {
                throw exhausted(status, epsilon, delta);
            }
            long id = insert(c, principal.name(), status, epsilon, delta, now, text);
            Charge charge = new Charge(id, principal.name(), Optional.of(status.budgetName()), epsilon, delta, now);
            record.record(c, charge);
            return charge;
        };
        return synced ? catalog.writeLog(write) : catalog.writeLogUnsynced(write);
    }

    /**
     * Fails with BUDGET_EXHAUSTED, as a charge would, when no budget applies to {@code principal}
     * (admins excepted): a stored DP answer is replayed at no charge, but only to users who may ask
     * DP questions at all.
     */
    public void requireBudget(Principal principal) {
        requireNonNull(principal, "principal is null");
        if (!principal.isAdmin() && status(principal).isEmpty()) {
            throw noBudget(principal);
        }
    }

    /** Where {@code principal} stands in the current window; empty for admins and users without a budget. */
    public Optional<BudgetStatus> status(Principal principal) {
        requireNonNull(principal, "principal is null");
        if (principal.isAdmin()) {
            return Optional.empty();
        }
        return catalog.read(c -> applicable(c, principal, clock.instant()));
    }

    /** Every charge, oldest first. */
    public List<LedgerEntry> entries() {
        return catalog.read(c -> query(c, "SELECT " + COLUMNS + " FROM budget_ledger ORDER BY id", null));
    }

    /** The charges of one user, oldest first. */
    public List<LedgerEntry> entriesOf(String user) {
        requireNonNull(user, "user is null");
        return catalog.read(
                c -> query(c, "SELECT " + COLUMNS + " FROM budget_ledger WHERE user_name = ? ORDER BY id", user));
    }

    private static Optional<BudgetStatus> applicable(Connection c, Principal principal, Instant now)
            throws SQLException {
        Optional<PrivacyBudget> own = PrivacyBudgets.userBudget(c, principal.name());
        List<PrivacyBudget> candidates = own.isPresent()
                ? List.of(own.get())
                : PrivacyBudgets.roleBudgets(
                        c, principal.roles().stream().sorted().toList());
        List<BudgetStatus> statuses = new ArrayList<>();
        for (PrivacyBudget budget : candidates) {
            statuses.add(status(c, principal.name(), budget, now));
        }
        return statuses.stream()
                .min(Comparator.comparingDouble(BudgetStatus::epsilonRemaining)
                        .thenComparingDouble(BudgetStatus::deltaRemaining)
                        .thenComparing(BudgetStatus::budgetName));
    }

    private static BudgetStatus status(Connection c, String user, PrivacyBudget budget, Instant now)
            throws SQLException {
        Instant start = budget.window().start(now);
        // NEVER counts every charge; the others every charge from the window's start on, including
        // any stamped later than now (a clock set back must not hand out budget again).
        long from = budget.window() == RefillWindow.NEVER ? Long.MIN_VALUE : start.toEpochMilli();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT total(epsilon), total(delta) FROM budget_ledger WHERE user_name = ? AND charged_at >= ?")) {
            ps.setString(1, user);
            ps.setLong(2, from);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BudgetStatus(
                        user,
                        budget,
                        start,
                        rs.getDouble(1),
                        rs.getDouble(2),
                        budget.window().nextStart(now));
            }
        }
    }

    private static long insert(
            Connection c, String user, BudgetStatus status, double epsilon, double delta, Instant now, String text)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_ledger (user_name, budget_name, epsilon, "
                + "delta, charged_at, window_start, statement) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, user);
            ps.setString(2, status.budgetName());
            ps.setDouble(3, epsilon);
            ps.setDouble(4, delta);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, status.windowStart().toEpochMilli());
            ps.setString(7, text);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<LedgerEntry> query(Connection c, String sql, String user) throws SQLException {
        List<LedgerEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (user != null) {
                ps.setString(1, user);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new LedgerEntry(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getDouble(4),
                            rs.getDouble(5),
                            Instant.ofEpochMilli(rs.getLong(6)),
                            Instant.ofEpochMilli(rs.getLong(7)),
                            rs.getString(8)));
                }
            }
        }
        return entries;
    }

    private static VeilException noBudget(Principal principal) {
        String user = principal.name();
        return new VeilException(
                ErrorCode.BUDGET_EXHAUSTED,
                "User '" + user
                        + "' has no privacy budget, so it cannot run queries that spend epsilon; an admin can assign one "
                        + "with ALTER USER " + user
                        + " SET PRIVACY BUDGET b (or ALTER ROLE r SET PRIVACY BUDGET b for one "
                        + "of its roles)");
    }

    /**
     * {@code Privacy budget 'weekly' of user 'ana' has epsilon 0.2 and delta 0 left this week (until
     * 2026-11-30T00:00:00Z); the query needs epsilon 0.5}.
     */
    private static VeilException exhausted(BudgetStatus status, double epsilon, double delta) {
        StringBuilder message = new StringBuilder()
                .append("Privacy budget '")
                .append(status.budgetName())
                .append("' of user '")
                .append(status.user())
                .append("' has epsilon ")
                .append(Amounts.format(status.epsilonRemaining()))
                .append(" and delta ")
                .append(Amounts.format(status.deltaRemaining()))
                .append(" left");
        if (status.refillsAt().isPresent()) {
            message.append(' ')
                    .append(status.window().current())
                    .append(" (until ")
                    .append(status.refillsAt().get())
                    .append(')');
        } else {
            message.append(", and it never refills");
        }
        message.append("; the query needs epsilon ").append(Amounts.format(epsilon));
        if (delta > 0) {
            message.append(" and delta ").append(Amounts.format(delta));
        }
        return new VeilException(ErrorCode.BUDGET_EXHAUSTED, message.toString());
    }
}
