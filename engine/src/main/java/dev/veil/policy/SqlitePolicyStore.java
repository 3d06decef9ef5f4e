package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The policies, kept in the catalog database {@code veil.db} next to the tables they protect.
 *
 * <p>Every change is one catalog transaction that first checks the policy against the catalog
 * (the table, column and role exist; bounds on numbers; the mask fits the column type; the
 * privacy unit path reaches a unit without a cycle) and fails with INVALID_POLICY naming the
 * policy and its target; a failed change changes nothing. Row filter predicates are checked by
 * the SQL layer, which alone can parse them, before they get here.
 *
 * <p>Checking who may change policies is the caller's job.
 */
public final class SqlitePolicyStore {
    private final SqliteCatalog catalog;

    public SqlitePolicyStore(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    // ---------------------------------------------------------------- reading

    /** The policies of one table; none for a table that has none or does not exist. */
    public TablePolicies policies(TableName table) {
        requireNonNull(table, "table is null");
        return catalog.read(c -> {
            Optional<TableDef> def = catalog.table(table);
            return def.isEmpty() ? TablePolicies.none(table) : load(c, def.get().id(), table);
        });
    }

    /** The policies of every table that has any, ordered by table name. */
    public List<TablePolicies> all() {
        return catalog.read(c -> {
            List<Long> ids = new ArrayList<>();
            List<TableName> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.id, t.schema_name, t.name FROM tables t
                    WHERE t.id IN (SELECT table_id FROM policy_units UNION SELECT table_id FROM policy_min_group_sizes
                        UNION SELECT table_id FROM policy_columns UNION SELECT table_id FROM policy_domains
                        UNION SELECT table_id FROM policy_row_filters
                        UNION SELECT table_id FROM policy_differential_privacy)
                    ORDER BY t.schema_name, t.name""");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    names.add(new TableName(rs.getString(2), rs.getString(3)));
                }
            }
            List<TablePolicies> all = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                all.add(load(c, ids.get(i), names.get(i)));
            }
            return all;
        });
    }

    /**
     * The path from {@code table}'s rows to their privacy unit, following {@code VIA} policies;
     * empty if the table has no privacy unit. A path that no longer reaches a unit (a parent was
     * dropped or lost its unit) fails with INVALID_POLICY rather than leave the table unprotected.
     */
    public Optional<UnitPath> unitPath(TableName table) {
        requireNonNull(table, "table is null");
        return catalog.read(c -> {
            try {
                return unitPath(c, table);
            } catch (BrokenPath e) {
                throw new VeilException(
                        ErrorCode.INVALID_POLICY,
                        "The privacy unit of '" + table + "' cannot be resolved: " + e.getMessage()
                                + "; an admin must repair the policy");
            }
        });
    }

    // ---------------------------------------------------------------- changes

    /** Sets (or replaces) a table's privacy unit; an erasure of the unit deletes the table's rows. */
    public void setUnit(UnitPolicy policy) {
        setUnit(policy, false);
    }

    /**
     * Sets (or replaces) a table's privacy unit. With {@code setNullOnErase} (only for a {@code VIA}
     * unit whose foreign key is nullable: INVALID_POLICY otherwise), an erasure of the unit sets the
     * foreign key of the table's rows to NULL instead of deleting them ({@code ON ERASE SET NULL}).
     */
    public void setUnit(UnitPolicy policy, boolean setNullOnErase) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            TableDef def = checkUnit(policy);
            if (setNullOnErase) {
                String target = policy.table().toString();
                if (policy.via().isEmpty()) {
                    throw InvalidPolicy.of(
                            policy.definition() + " ON ERASE SET NULL", target, "only a VIA unit can be set to NULL");
                }
                Column fk = requireColumn(def, policy.column(), policy.definition(), target);
                if (!fk.nullable()) {
                    throw InvalidPolicy.of(
                            policy.definition() + " ON ERASE SET NULL",
                            target,
                            "the foreign key '" + fk.name() + "' is NOT NULL");
                }
            }
            deleteByTable(c, "policy_units", def.id());
            insertUnit(c, def.id(), policy);
            if (setNullOnErase) {
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE policy_units SET on_erase = 'SET NULL' WHERE table_id = ?")) {
                    ps.setLong(1, def.id());
                    ps.executeUpdate();
                }
            }
            checkPath(c, policy);
            return null;
        });
    }

    /**
     * Whether an erasure of {@code table}'s privacy unit sets the table's foreign key to NULL
     * ({@code ON ERASE SET NULL}) instead of deleting its rows (the default).
     */
    public boolean setsNullOnErase(TableName table) {
        requireNonNull(table, "table is null");
        return catalog.read(c -> {
            Optional<TableDef> def = catalog.table(table);
            if (def.isEmpty()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT on_erase FROM policy_units WHERE table_id = ?")) {
                ps.setLong(1, def.get().id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && "SET NULL".equals(rs.getString(1));
                }
            }
        });
    }

    /** Every table that has a privacy unit, in name order. */
    public List<TableName> tablesWithUnits() {
        return catalog.read(c -> {
            List<TableName> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.schema_name, t.name FROM policy_units u JOIN tables t ON t.id = u.table_id
                    ORDER BY t.schema_name, t.name""");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableName(rs.getString(1), rs.getString(2)));
                }
            }
            return tables;
        });
    }

    /** Sets (or replaces) a table's minimum group size for one scope; the table must have a privacy unit. */
    public void setMinGroupSize(MinGroupSizePolicy policy) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            TableDef def = checkMinGroupSize(c, policy);
            deleteScoped(c, "policy_min_group_sizes", def.id(), null, policy.role());
            insertMinGroupSize(c, def.id(), policy);
            return null;
        });
    }

    /**
     * Sets (or replaces) a table's differential-privacy policy for one scope; the table must have a
     * privacy unit (directly or VIA a path): the contribution bounds are per unit.
     */
    public void setDifferentialPrivacy(DifferentialPrivacyPolicy policy) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            String target = policy.table().toString();
            TableDef def = requireTable(policy.table(), policy.definition(), target);
            checkRole(policy.role(), policy.definition(), target);
            requireUnit(
                    c,
                    policy.table(),
                    policy.definition(),
                    "differential privacy bounds what each privacy unit " + "contributes");
            deleteScoped(c, "policy_differential_privacy", def.id(), null, policy.role());
            insertDifferentialPrivacy(c, def.id(), policy);
            return null;
        });
    }

    /** Drops a table's differential-privacy policy for one scope; INVALID_POLICY if it has none for that scope. */
    public void dropDifferentialPrivacy(TableName table, Optional<String> role) {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        catalog.write(c -> {
            TableDef def = requireTable(table, "DROP DIFFERENTIAL PRIVACY", table.toString());
            if (deleteScoped(c, "policy_differential_privacy", def.id(), null, role) == 0) {
                throw new VeilException(
                        ErrorCode.INVALID_POLICY,
                        "Table '" + table + "' has no differential privacy policy " + Scope.describe(role)
                                + " to drop");
            }
            return null;
        });
    }

    /**
     * Drops a table's minimum group size for one scope; INVALID_POLICY if it has none for that scope.
     * Its differential-privacy policies, if any, still protect it.
     */
    public void dropMinGroupSize(TableName table, Optional<String> role) {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        catalog.write(c -> {
            TableDef def = requireTable(table, "DROP MIN GROUP SIZE", table.toString());
            if (deleteScoped(c, "policy_min_group_sizes", def.id(), null, role) == 0) {
                throw new VeilException(
                        ErrorCode.INVALID_POLICY,
                        "Table '" + table + "' has no minimum group size " + Scope.describe(role) + " to drop");
            }
            return null;
        });
    }

    /**
     * Drops a table's privacy unit. Refused with NOT_EMPTY while anything depends on it: a minimum
     * group size or a differential-privacy policy of the table (they count or bound privacy units),
     * or another table whose unit is reached {@code VIA} this one; INVALID_POLICY if it has none.
     */
    public void dropUnit(TableName table) {
        requireNonNull(table, "table is null");
        catalog.write(c -> {
            TableDef def = requireTable(table, "DROP PRIVACY UNIT", table.toString());
            if (unit(c, table).isEmpty()) {
                throw new VeilException(ErrorCode.INVALID_POLICY, "Table '" + table + "' has no privacy unit to drop");
            }
            List<String> dependents = new ArrayList<>();
            if (count(c, "SELECT COUNT(*) FROM policy_min_group_sizes WHERE table_id = ?", def.id()) > 0) {
                dependents.add("its MIN GROUP SIZE (drop it first with ALTER TABLE " + table + " DROP MIN GROUP SIZE)");
            }
            if (count(c, "SELECT COUNT(*) FROM policy_differential_privacy WHERE table_id = ?", def.id()) > 0) {
                dependents.add("its DIFFERENTIAL PRIVACY (drop it first with ALTER TABLE " + table
                        + " DROP DIFFERENTIAL PRIVACY)");
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.schema_name, t.name FROM policy_units u JOIN tables t ON t.id = u.table_id
                    WHERE u.parent_schema = ? AND u.parent_table = ? ORDER BY t.schema_name, t.name""")) {
                ps.setString(1, table.schema());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        dependents.add("the privacy unit of '" + new TableName(rs.getString(1), rs.getString(2))
                                + "', reached VIA this table");
                    }
                }
            }
            if (!dependents.isEmpty()) {
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "Cannot drop the privacy unit of '" + table + "': " + String.join("; ", dependents) + " depend"
                                + (dependents.size() == 1 ? "s" : "") + " on it");
            }
            deleteByTable(c, "policy_units", def.id());
            return null;
        });
    }

    private static long count(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Sets (or replaces) a column's policy for one scope. */
    public void setColumnPolicy(ColumnPolicy policy) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            TableDef def = checkColumnPolicy(policy);
            deleteScoped(c, "policy_columns", def.id(), policy.column(), policy.role());
            insertColumnPolicy(c, def.id(), policy);
            return null;
        });
    }

    /**
     * Makes a column PUBLIC for one scope: removes its policy for that scope (a PUBLIC policy and
     * no policy mean the same). Returns whether there was one.
     */
    public boolean setColumnPublic(TableName table, String column, Optional<String> role) {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(role, "role is null");
        return catalog.write(c -> {
            String definition = "PUBLIC";
            TableDef def = requireTable(table, definition, table + "." + column);
            requireColumn(def, column, definition, table + "." + column);
            checkRole(role, definition, table + "." + column);
            return deleteScoped(c, "policy_columns", def.id(), column, role) > 0;
        });
    }

    /** Sets (or replaces) a column's public domain. */
    public void setDomain(DomainPolicy policy) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            DomainPolicy canonical = checkDomain(policy);
            long id = catalog.requireTable(policy.table()).id();
            deleteDomain(c, id, policy.column());
            insertDomain(c, id, canonical);
            return null;
        });
    }

    /** Sets (or replaces) a table's row filter for one scope; the predicate was checked by the SQL layer. */
    public void setRowFilter(RowFilterPolicy policy) {
        requireNonNull(policy, "policy is null");
        catalog.write(c -> {
            TableDef def = requireTable(
                    policy.table(), policy.definition(), policy.table().toString());
            checkRole(policy.role(), "ROW FILTER", policy.table().toString());
            deleteScoped(c, "policy_row_filters", def.id(), null, policy.role());
            insertRowFilter(c, def.id(), policy);
            return null;
        });
    }

    /** Drops a table's row filter for one scope; INVALID_POLICY if it has none for that scope. */
    public void dropRowFilter(TableName table, Optional<String> role) {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        catalog.write(c -> {
            TableDef def = requireTable(table, "DROP ROW FILTER", table.toString());
            if (deleteScoped(c, "policy_row_filters", def.id(), null, role) == 0) {
                throw new VeilException(
                        ErrorCode.INVALID_POLICY,
                        "Table '" + table + "' has no row filter " + Scope.describe(role) + " to drop");
            }
            return null;
        });
    }

    /**
     * Removes every policy of a table. Meant for replacing a table's policies inside one
     * transaction ({@link SqliteCatalog#write}) that then sets the new ones and ends with
     * {@link #checkPaths}: on its own it may leave a {@code VIA} child without a unit path.
     */
    public void clear(TableName table) {
        requireNonNull(table, "table is null");
        catalog.write(c -> {
            long id = requireTable(table, "policies", table.toString()).id();
            for (String t : List.of(
                    "policy_units",
                    "policy_min_group_sizes",
                    "policy_columns",
                    "policy_row_filters",
                    "policy_domains",
                    "policy_differential_privacy")) {
                deleteByTable(c, t, id);
            }
            return null;
        });
    }

    /** Checks that every table's privacy unit path still reaches a unit; INVALID_POLICY names the first that does not. */
    public void checkPaths() {
        catalog.read(c -> {
            checkAllPaths(c);
            return null;
        });
    }

    // ---------------------------------------------------------------- checks

    private TableDef checkUnit(UnitPolicy policy) {
        String target = policy.table().toString();
        TableDef def = requireTable(policy.table(), policy.definition(), target);
        Column fk = requireColumn(def, policy.column(), policy.definition(), target);
        if (policy.via().isPresent()) {
            ColumnRef parent = policy.via().get();
            if (parent.table().equals(policy.table())) {
                throw InvalidPolicy.of(
                        policy.definition(), target, "a table cannot reach its privacy unit through itself");
            }
            TableDef parentDef = requireTable(parent.table(), policy.definition(), target);
            Column pk = requireColumn(parentDef, parent.column(), policy.definition(), target);
            if (!TypeRules.comparable(fk.type().type(), pk.type().type())) {
                throw InvalidPolicy.of(
                        policy.definition(),
                        target,
                        "the foreign key '" + fk.name() + "' is " + fk.type().sql() + " but the key " + parent + " is "
                                + pk.type().sql());
            }
        }
        return def;
    }

    private void checkPath(Connection c, UnitPolicy policy) throws SQLException {
        try {
            unitPath(c, policy.table());
        } catch (BrokenPath e) {
            throw InvalidPolicy.of(policy.definition(), policy.table().toString(), e.getMessage());
        }
    }

    private void checkAllPaths(Connection c) throws SQLException {
        List<TableName> withUnits = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.schema_name, t.name FROM policy_units u JOIN tables t ON t.id = u.table_id
                ORDER BY t.schema_name, t.name""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                withUnits.add(new TableName(rs.getString(1), rs.getString(2)));
            }
        }
        for (TableName table : withUnits) {
            try {
                unitPath(c, table);
            } catch (BrokenPath e) {
                String definition = unit(c, table).map(UnitPolicy::definition).orElse("PRIVACY UNIT");
                throw InvalidPolicy.of(definition, table.toString(), e.getMessage());
            }
        }
    }

    private TableDef checkMinGroupSize(Connection c, MinGroupSizePolicy policy) throws SQLException {
        String target = policy.table().toString();
        TableDef def = requireTable(policy.table(), policy.definition(), target);
        checkRole(policy.role(), policy.definition(), target);
        requireUnit(c, policy.table(), policy.definition(), "a minimum group size counts privacy units");
        return def;
    }

    /**
     * Fails unless {@code table}'s privacy unit resolves: for policies that mean nothing without one.
     * {@code why} says what the policy needs the unit for.
     */
    private void requireUnit(Connection c, TableName table, String definition, String why) throws SQLException {
        String target = table.toString();
        Optional<UnitPath> unit;
        try {
            unit = unitPath(c, table);
        } catch (BrokenPath e) {
            throw InvalidPolicy.of(
                    definition, target, "the table's privacy unit cannot be resolved: " + e.getMessage());
        }
        if (unit.isEmpty()) {
            throw InvalidPolicy.of(
                    definition,
                    target,
                    why + ", and the table has none; set one first with " + "ALTER TABLE " + target
                            + " SET PRIVACY UNIT (column)");
        }
    }

    private TableDef checkColumnPolicy(ColumnPolicy policy) {
        String target = policy.table() + "." + policy.column();
        String definition = policy.definition();
        TableDef def = requireTable(policy.table(), definition, target);
        Column column = requireColumn(def, policy.column(), definition, target);
        checkRole(policy.role(), definition, target);
        if (policy.bounds().isPresent() && !TypeRules.isNumeric(column.type().type())) {
            throw InvalidPolicy.of(
                    definition,
                    target,
                    "bounds need a numeric column, and column '" + column.name() + "' is "
                            + column.type().sql());
        }
        if (policy.mask().isPresent()) {
            Optional<String> problem = TypeRules.maskProblem(policy.mask().get(), column.type(), column.name());
            if (problem.isPresent()) {
                throw InvalidPolicy.of(definition, target, problem.get());
            }
        }
        return def;
    }

    /** Checks a domain and returns it with its values in canonical form. */
    private DomainPolicy checkDomain(DomainPolicy policy) {
        String target = policy.table() + "." + policy.column();
        String definition = policy.references().isPresent() ? policy.definition() : "DOMAIN IN (...)";
        TableDef def = requireTable(policy.table(), definition, target);
        Column column = requireColumn(def, policy.column(), definition, target);
        if (policy.references().isPresent()) {
            ColumnRef ref = policy.references().get();
            if (ref.table().equals(policy.table()) && ref.column().equals(policy.column())) {
                throw InvalidPolicy.of(definition, target, "a column cannot be its own domain");
            }
            Column refColumn =
                    requireColumn(requireTable(ref.table(), definition, target), ref.column(), definition, target);
            if (!TypeRules.comparable(column.type().type(), refColumn.type().type())) {
                throw InvalidPolicy.of(
                        definition,
                        target,
                        "column '" + column.name() + "' is " + column.type().sql() + " but " + ref + " is "
                                + refColumn.type().sql());
            }
            return policy;
        }
        Set<String> values = new LinkedHashSet<>();
        for (String value : policy.values()) {
            Optional<String> canonical = DomainValues.canonical(value, column.type());
            if (canonical.isEmpty()) {
                throw InvalidPolicy.of(
                        definition,
                        target,
                        "the value '" + value + "' is not of type "
                                + column.type().sql() + ", the type of column '" + column.name() + "'");
            }
            if (!values.add(canonical.get())) {
                throw InvalidPolicy.of(definition, target, "the value '" + value + "' is listed twice");
            }
        }
        return DomainPolicy.values(policy.table(), policy.column(), List.copyOf(values));
    }

    private TableDef requireTable(TableName table, String definition, String target) {
        Optional<TableDef> def = catalog.table(table);
        if (def.isPresent()) {
            return def.get();
        }
        List<String> all = new ArrayList<>();
        for (String schema : catalog.schemas()) {
            for (TableDef t : catalog.tables(schema)) {
                all.add(t.name().toString());
            }
        }
        throw InvalidPolicy.of(
                definition, target, "table '" + table + "' not found" + NameSuggestions.hint(table.toString(), all));
    }

    private static Column requireColumn(TableDef def, String column, String definition, String target) {
        Optional<Column> found = def.column(column);
        if (found.isPresent()) {
            return found.get();
        }
        List<String> names = def.columns().stream().map(Column::name).toList();
        throw InvalidPolicy.of(
                definition,
                target,
                "column '" + column + "' not found in table '" + def.name() + "'"
                        + NameSuggestions.hint(column, names));
    }

    private void checkRole(Optional<String> role, String definition, String target) {
        if (role.isEmpty()) {
            return;
        }
        if (role.get().equals(Principals.ADMIN)) {
            throw InvalidPolicy.of(
                    definition,
                    target,
                    "role 'admin' is never restricted; " + "leave out FOR ROLE to restrict every other role");
        }
        List<String> roles = new Principals(catalog).roles();
        if (!roles.contains(role.get())) {
            throw InvalidPolicy.of(
                    definition,
                    target,
                    "role '" + role.get() + "' does not exist" + NameSuggestions.hint(role.get(), roles));
        }
    }

    // ---------------------------------------------------------------- unit paths

    /** A privacy unit path that does not reach a unit; its message says where it breaks. */
    private static final class BrokenPath extends Exception {
        private static final long serialVersionUID = 1L;

        BrokenPath(String message) {
            super(message, null, false, false);
        }
    }

    private Optional<UnitPath> unitPath(Connection c, TableName table) throws SQLException, BrokenPath {
        Optional<UnitPolicy> first = unit(c, table);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        List<UnitPath.Hop> hops = new ArrayList<>();
        Set<TableName> visited = new LinkedHashSet<>();
        visited.add(table);
        UnitPolicy current = first.get();
        while (current.via().isPresent()) {
            ColumnRef parent = current.via().get();
            if (!visited.add(parent.table())) {
                throw new BrokenPath("the VIA path " + path(visited, parent.table()) + " is a cycle");
            }
            Optional<TableDef> parentDef = catalog.table(parent.table());
            if (parentDef.isEmpty()) {
                throw new BrokenPath("its parent table '" + parent.table() + "' no longer exists");
            }
            if (parentDef.get().column(parent.column()).isEmpty()) {
                throw new BrokenPath("its parent key " + parent + " does not exist");
            }
            hops.add(new UnitPath.Hop(current.table(), current.column(), parent.table(), parent.column()));
            Optional<UnitPolicy> next = unit(c, parent.table());
            if (next.isEmpty()) {
                throw new BrokenPath("the parent table '" + parent.table() + "' has no privacy unit; set one first");
            }
            current = next.get();
        }
        return Optional.of(new UnitPath(hops, current.table(), current.column()));
    }

    private static String path(Set<TableName> visited, TableName last) {
        StringBuilder text = new StringBuilder();
        for (TableName t : visited) {
            text.append(t).append(" -> ");
        }
        return text.append(last).toString();
    }

    // ---------------------------------------------------------------- SQL

    private Optional<UnitPolicy> unit(Connection c, TableName table) throws SQLException {
        Optional<TableDef> def = catalog.table(table);
        if (def.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT column_name, parent_schema, parent_table, parent_column FROM policy_units WHERE table_id = ?")) {
            ps.setLong(1, def.get().id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(unitPolicy(table, rs));
            }
        }
    }

    private static UnitPolicy unitPolicy(TableName table, ResultSet rs) throws SQLException {
        String column = rs.getString(1);
        if (rs.getString(2) == null) {
            return UnitPolicy.direct(table, column);
        }
        return UnitPolicy.via(
                table, column, new ColumnRef(new TableName(rs.getString(2), rs.getString(3)), rs.getString(4)));
    }

    private static TablePolicies load(Connection c, long id, TableName table) throws SQLException {
        Optional<UnitPolicy> unit = Optional.empty();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT column_name, parent_schema, parent_table, parent_column FROM policy_units WHERE table_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    unit = Optional.of(unitPolicy(table, rs));
                }
            }
        }
        List<MinGroupSizePolicy> sizes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name, k, remainder FROM policy_min_group_sizes "
                + "WHERE table_id = ? ORDER BY role_name IS NOT NULL, role_name")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sizes.add(new MinGroupSizePolicy(
                            table,
                            Optional.ofNullable(rs.getString(1)),
                            new MinGroupSize(rs.getInt(2), rs.getInt(3) != 0)));
                }
            }
        }
        List<ColumnPolicy> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.column_name, p.role_name, p.class, p.lower_bound, p.upper_bound, p.mask, p.mask_argument
                FROM policy_columns p LEFT JOIN columns col ON col.table_id = p.table_id AND col.name = p.column_name
                WHERE p.table_id = ? ORDER BY col.ordinal, p.column_name, p.role_name IS NOT NULL, p.role_name""")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Bounds> bounds = rs.getString(4) == null
                            ? Optional.empty()
                            : Optional.of(new Bounds(new BigDecimal(rs.getString(4)), new BigDecimal(rs.getString(5))));
                    Optional<Mask> mask = rs.getString(6) == null
                            ? Optional.empty()
                            : Optional.of(new Mask(
                                    MaskKind.valueOf(rs.getString(6)),
                                    Optional.ofNullable(rs.getString(7)).map(BigDecimal::new)));
                    columns.add(new ColumnPolicy(
                            table,
                            rs.getString(1),
                            Optional.ofNullable(rs.getString(2)),
                            ColumnClass.valueOf(rs.getString(3)),
                            bounds,
                            mask));
                }
            }
        }
        List<DomainPolicy> domains = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT d.column_name, d.ref_schema, d.ref_table, d.ref_column
                FROM policy_domains d LEFT JOIN columns col ON col.table_id = d.table_id AND col.name = d.column_name
                WHERE d.table_id = ? ORDER BY col.ordinal, d.column_name""")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String column = rs.getString(1);
                    if (rs.getString(2) != null) {
                        domains.add(DomainPolicy.references(
                                table,
                                column,
                                new ColumnRef(new TableName(rs.getString(2), rs.getString(3)), rs.getString(4))));
                    } else {
                        domains.add(DomainPolicy.values(table, column, domainValues(c, id, column)));
                    }
                }
            }
        }
        List<RowFilterPolicy> filters = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name, predicate FROM policy_row_filters "
                + "WHERE table_id = ? ORDER BY role_name IS NOT NULL, role_name")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    filters.add(new RowFilterPolicy(table, Optional.ofNullable(rs.getString(1)), rs.getString(2)));
                }
            }
        }
        List<DifferentialPrivacyPolicy> dp = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name, epsilon, delta, max_groups_per_unit, "
                + "max_rows_per_unit_per_group, contribution_bounds FROM policy_differential_privacy "
                + "WHERE table_id = ? ORDER BY role_name IS NOT NULL, role_name")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dp.add(new DifferentialPrivacyPolicy(
                            table,
                            Optional.ofNullable(rs.getString(1)),
                            new DifferentialPrivacy(
                                    rs.getDouble(2),
                                    rs.getDouble(3),
                                    rs.getInt(4),
                                    rs.getInt(5),
                                    "AUTO".equals(rs.getString(6)))));
                }
            }
        }
        return new TablePolicies(table, unit, sizes, columns, domains, filters, dp);
    }

    private static List<String> domainValues(Connection c, long id, String column) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM policy_domain_values "
                + "WHERE table_id = ? AND column_name = ? ORDER BY ordinal")) {
            ps.setLong(1, id);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    private static void insertUnit(Connection c, long id, UnitPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_units "
                + "(table_id, column_name, parent_schema, parent_table, parent_column) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, policy.column());
            ps.setString(3, policy.via().map(p -> p.table().schema()).orElse(null));
            ps.setString(4, policy.via().map(p -> p.table().table()).orElse(null));
            ps.setString(5, policy.via().map(ColumnRef::column).orElse(null));
            ps.executeUpdate();
        }
    }

    private static void insertMinGroupSize(Connection c, long id, MinGroupSizePolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_min_group_sizes (table_id, role_name, k, remainder) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, policy.role().orElse(null));
            ps.setInt(3, policy.size().k());
            ps.setInt(4, policy.size().remainder() ? 1 : 0);
            ps.executeUpdate();
        }
    }

    private static void insertDifferentialPrivacy(Connection c, long id, DifferentialPrivacyPolicy policy)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_differential_privacy (table_id, role_name, "
                + "epsilon, delta, max_groups_per_unit, max_rows_per_unit_per_group, contribution_bounds) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            DifferentialPrivacy params = policy.params();
            ps.setLong(1, id);
            ps.setString(2, policy.role().orElse(null));
            ps.setDouble(3, params.epsilon());
            ps.setDouble(4, params.delta());
            ps.setInt(5, params.maxGroupsPerUnit());
            ps.setInt(6, params.maxRowsPerUnitPerGroup());
            ps.setString(7, params.autoBounds() ? "AUTO" : "FIXED");
            ps.executeUpdate();
        }
    }

    private static void insertColumnPolicy(Connection c, long id, ColumnPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_columns (table_id, column_name, role_name, "
                + "class, lower_bound, upper_bound, mask, mask_argument) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, policy.column());
            ps.setString(3, policy.role().orElse(null));
            ps.setString(4, policy.columnClass().name());
            ps.setString(5, policy.bounds().map(b -> b.lower().toPlainString()).orElse(null));
            ps.setString(6, policy.bounds().map(b -> b.upper().toPlainString()).orElse(null));
            ps.setString(7, policy.mask().map(m -> m.kind().name()).orElse(null));
            ps.setString(
                    8,
                    policy.mask()
                            .flatMap(Mask::argument)
                            .map(BigDecimal::toPlainString)
                            .orElse(null));
            ps.executeUpdate();
        }
    }

    private static void insertDomain(Connection c, long id, DomainPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_domains "
                + "(table_id, column_name, ref_schema, ref_table, ref_column) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, policy.column());
            ps.setString(3, policy.references().map(r -> r.table().schema()).orElse(null));
            ps.setString(4, policy.references().map(r -> r.table().table()).orElse(null));
            ps.setString(5, policy.references().map(ColumnRef::column).orElse(null));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_domain_values " + "(table_id, column_name, ordinal, value) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < policy.values().size(); i++) {
                ps.setLong(1, id);
                ps.setString(2, policy.column());
                ps.setInt(3, i);
                ps.setString(4, policy.values().get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertRowFilter(Connection c, long id, RowFilterPolicy policy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO policy_row_filters (table_id, role_name, predicate) VALUES (?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, policy.role().orElse(null));
            ps.setString(3, policy.predicate());
            ps.executeUpdate();
        }
    }

    private static void deleteByTable(Connection c, String table, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE table_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static void deleteDomain(Connection c, long id, String column) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM policy_domains WHERE table_id = ? AND column_name = ?")) {
            ps.setLong(1, id);
            ps.setString(2, column);
            ps.executeUpdate();
        }
    }

    /** Deletes the policy of one scope (and column, for column policies); returns how many rows went. */
    private static int deleteScoped(Connection c, String table, long id, String column, Optional<String> role)
            throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE table_id = ? AND ifnull(role_name, '') = ?"
                + (column == null ? "" : " AND column_name = ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            ps.setString(2, role.orElse(""));
            if (column != null) {
                ps.setString(3, column);
            }
            return ps.executeUpdate();
        }
    }
}
