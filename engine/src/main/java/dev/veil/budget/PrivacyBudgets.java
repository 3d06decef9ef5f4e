package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The privacy budgets defined in the catalog database and their assignments to users and roles.
 * A user has at most one budget of its own and a role at most one; assigning again replaces the
 * assignment. Every method is one catalog transaction; checking who may call it is the caller's job.
 */
public final class PrivacyBudgets {
    private final SqliteCatalog catalog;

    public PrivacyBudgets(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * Defines a budget. Returns false, changing nothing, if one of that name exists and
     * {@code ifNotExists}; fails with ALREADY_EXISTS if it exists otherwise.
     */
    public boolean create(PrivacyBudget budget, boolean ifNotExists) {
        requireNonNull(budget, "budget is null");
        return catalog.write(c -> {
            if (budget(c, budget.name()).isPresent()) {
                if (ifNotExists) {
                    return false;
                }
                throw new VeilException(
                        ErrorCode.ALREADY_EXISTS, "Privacy budget '" + budget.name() + "' already exists");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO privacy_budgets "
                    + "(name, epsilon_limit, delta_limit, refill_window, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, budget.name());
                ps.setDouble(2, budget.epsilonLimit());
                ps.setDouble(3, budget.deltaLimit());
                ps.setString(4, budget.window().name());
                ps.setLong(5, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Drops a budget. Returns false, changing nothing, if there is none of that name and
     * {@code ifExists}; fails with INVALID_POLICY if there is none otherwise. While users or roles
     * are assigned the budget, fails with NOT_EMPTY naming them, unless {@code cascade}: then their
     * assignments go with it (a user without a budget of its own falls back to its roles' budgets,
     * and one with none at all can no longer spend). The ledger keeps every charge made under the
     * budget: it is append-only, and what a user spent in the current window still counts.
     */
    public boolean drop(String name, boolean ifExists, boolean cascade) {
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            if (budget(c, name).isEmpty()) {
                if (ifExists) {
                    return false;
                }
                throw unknownBudget(c, name);
            }
            List<String> assigned = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 'user ' || user_name FROM user_budgets"
                    + " WHERE budget_name = ? UNION ALL SELECT 'role ' || role_name FROM role_budgets"
                    + " WHERE budget_name = ? ORDER BY 1")) {
                ps.setString(1, name);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assigned.add(rs.getString(1));
                    }
                }
            }
            if (!assigned.isEmpty() && !cascade) {
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "Privacy budget '" + name + "' is assigned to " + String.join(", ", assigned)
                                + "; assign them another budget first, or drop it with CASCADE to remove the"
                                + " assignments too");
            }
            for (String table : List.of("user_budgets", "role_budgets", "privacy_budgets")) {
                String column = table.equals("privacy_budgets") ? "name" : "budget_name";
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    public Optional<PrivacyBudget> budget(String name) {
        requireNonNull(name, "name is null");
        return catalog.read(c -> budget(c, name));
    }

    /** Every budget, by name. */
    public List<PrivacyBudget> budgets() {
        return catalog.read(c -> {
            List<PrivacyBudget> budgets = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT name, epsilon_limit, delta_limit, refill_window FROM privacy_budgets ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    budgets.add(read(rs));
                }
            }
            return budgets;
        });
    }

    /**
     * Assigns {@code budget} to {@code user}, replacing the user's previous budget. The user's own
     * budget takes precedence over its roles'. UNKNOWN_PRINCIPAL for an unknown user,
     * INVALID_POLICY for an unknown budget.
     */
    public void assignToUser(String user, String budget) {
        assign("user_budgets", "user_name", "User", user, budget);
    }

    /**
     * Assigns {@code budget} to {@code role}, replacing the role's previous budget. The admin role
     * cannot have one: admins are never charged.
     */
    public void assignToRole(String role, String budget) {
        requireNonNull(role, "role is null");
        if (role.equals(Principals.ADMIN)) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "Role 'admin' cannot have a privacy budget: admins see raw data and are never charged");
        }
        assign("role_budgets", "role_name", "Role", role, budget);
    }

    /** Every assignment: users first, then roles, each by name. */
    public List<BudgetAssignment> assignments() {
        return catalog.read(c -> {
            List<BudgetAssignment> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 0, user_name, budget_name FROM user_budgets "
                            + "UNION ALL SELECT 1, role_name, budget_name FROM role_budgets ORDER BY 1, 2");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(new BudgetAssignment(rs.getInt(1) == 1, rs.getString(2), rs.getString(3)));
                }
            }
            return all;
        });
    }

    private void assign(String table, String column, String kind, String principal, String budget) {
        requireNonNull(principal, "principal is null");
        requireNonNull(budget, "budget is null");
        String principalTable = column.equals("user_name") ? "users" : "roles";
        catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + principalTable + " WHERE name = ?")) {
                ps.setString(1, principal);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new VeilException(
                                ErrorCode.UNKNOWN_PRINCIPAL, kind + " '" + principal + "' does not exist");
                    }
                }
            }
            if (budget(c, budget).isEmpty()) {
                throw unknownBudget(c, budget);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + column
                    + ", budget_name, assigned_at) VALUES (?, ?, ?) ON CONFLICT (" + column
                    + ") DO UPDATE SET budget_name = excluded.budget_name, assigned_at = excluded.assigned_at")) {
                ps.setString(1, principal);
                ps.setString(2, budget);
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static VeilException unknownBudget(Connection c, String name) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM privacy_budgets");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return new VeilException(
                ErrorCode.INVALID_POLICY,
                "Privacy budget '" + name + "' does not exist"
                        + NameSuggestions.hint(name, names) + "; create it with CREATE PRIVACY BUDGET " + name
                        + " LIMIT (EPSILON x, DELTA y) WINDOW {DAILY | WEEKLY | MONTHLY | NEVER}");
    }

    static Optional<PrivacyBudget> budget(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name, epsilon_limit, delta_limit, refill_window FROM privacy_budgets WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The budget assigned to {@code user} itself, if any. */
    static Optional<PrivacyBudget> userBudget(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT b.name, b.epsilon_limit, b.delta_limit, b.refill_window "
                + "FROM user_budgets u JOIN privacy_budgets b ON b.name = u.budget_name WHERE u.user_name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The budgets assigned to any of {@code roles}, by name, each once. */
    static List<PrivacyBudget> roleBudgets(Connection c, Collection<String> roles) throws SQLException {
        List<PrivacyBudget> budgets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT b.name, b.epsilon_limit, b.delta_limit, b.refill_window "
                + "FROM role_budgets r JOIN privacy_budgets b ON b.name = r.budget_name WHERE r.role_name = ?")) {
            for (String role : roles) {
                ps.setString(1, role);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        PrivacyBudget budget = read(rs);
                        if (!budgets.contains(budget)) {
                            budgets.add(budget);
                        }
                    }
                }
            }
        }
        return budgets;
    }

    private static PrivacyBudget read(ResultSet rs) throws SQLException {
        return new PrivacyBudget(
                rs.getString(1), rs.getDouble(2), rs.getDouble(3), RefillWindow.valueOf(rs.getString(4)));
    }
}
