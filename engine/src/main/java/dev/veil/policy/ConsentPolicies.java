package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The consent and retention policies as stored in {@code veil.db}: data categories of columns,
 * consent sources, which tables and schemas require consent, and retention periods. Each method is
 * one catalog transaction. These policies apply to every principal (admins too, see {@code
 * rewrite.ScanConditions}); they are not scoped to roles.
 */
public final class ConsentPolicies {
    private static final Pattern CATEGORY = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final SqliteCatalog catalog;
    private final SqlitePolicyStore policies;

    public ConsentPolicies(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.policies = new SqlitePolicyStore(catalog);
    }

    // ---------------------------------------------------------------- changes

    /** Sets a column's data category; {@value TableConsent#GENERAL} removes it. */
    public void setCategory(TableName table, String column, String category) {
        requireNonNull(category, "category is null");
        String target = table + "." + column;
        if (!CATEGORY.matcher(category).matches()) {
            throw InvalidPolicy.of(
                    "CATEGORY " + category,
                    target,
                    "a category is a lower-case name: a letter or '_' then letters, digits or '_'");
        }
        TableDef def = requireTable(table, "CATEGORY " + category);
        requireColumn(def, column, "CATEGORY " + category);
        catalog.write(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM column_categories WHERE table_id = ? AND column_name = ?")) {
                ps.setLong(1, def.id());
                ps.setString(2, column);
                ps.executeUpdate();
            }
            if (!category.equals(TableConsent.GENERAL)) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO column_categories (table_id, column_name, category) VALUES (?, ?, ?)")) {
                    ps.setLong(1, def.id());
                    ps.setString(2, column);
                    ps.setString(3, category);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Declares (or replaces) a consent source; at most one per privacy unit. */
    public void setSource(ConsentSource source) {
        requireNonNull(source, "source is null");
        String definition = source.definition();
        TableDef def = requireTable(source.table(), definition);
        if (new ForeignTables(catalog).foreignTable(def.id()).isPresent()) {
            // Its rows would be read from the remote for every statement, and a remote failure or
            // delay would then depend on who consented: consent lives in a table Veil stores.
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "Table '" + source.table() + "' is a foreign table and cannot be a CONSENT SOURCE; load the"
                            + " consents into a table Veil stores (CREATE TABLE ... AS SELECT from the foreign table,"
                            + " or COPY) and declare that one");
        }
        requireColumn(def, source.unit(), definition);
        requireType(def, source.purpose(), definition, VeilType.VARCHAR);
        requireType(def, source.category(), definition, VeilType.VARCHAR);
        requireType(def, source.granted(), definition, VeilType.TIMESTAMP, VeilType.DATE);
        requireType(def, source.expires(), definition, VeilType.TIMESTAMP, VeilType.DATE);
        if (source.withdrawn().isPresent()) {
            requireType(def, source.withdrawn().get(), definition, VeilType.TIMESTAMP, VeilType.DATE);
        }
        TableDef unitTable = requireTable(source.unitTable(), definition);
        requireColumn(unitTable, source.unitKey(), definition);
        catalog.write(c -> {
            for (ConsentSource other : sources(c)) {
                if (!other.table().equals(source.table())
                        && other.unitTable().equals(source.unitTable())
                        && other.unitKey().equals(source.unitKey())) {
                    throw InvalidPolicy.of(
                            definition,
                            source.table().toString(),
                            "'" + other.table() + "' is already the consent source of " + source.unitTable() + "."
                                    + source.unitKey() + "; a privacy unit has one consent source");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT OR REPLACE INTO consent_sources (table_id, unit_column, unit_schema, unit_table, unit_key,
                        purpose_column, category_column, granted_column, expires_column, withdrawn_column)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setLong(1, def.id());
                ps.setString(2, source.unit());
                ps.setString(3, source.unitTable().schema());
                ps.setString(4, source.unitTable().table());
                ps.setString(5, source.unitKey());
                ps.setString(6, source.purpose());
                ps.setString(7, source.category());
                ps.setString(8, source.granted());
                ps.setString(9, source.expires());
                ps.setString(10, source.withdrawn().orElse(null));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Drops a table's consent source declaration; whether it had one. */
    public boolean dropSource(TableName table) {
        TableDef def = requireTable(table, "DROP CONSENT SOURCE");
        return catalog.write(c -> delete(c, "DELETE FROM consent_sources WHERE table_id = ?", def.id()));
    }

    /**
     * Makes a table require consent (or not). A table that requires consent needs a privacy unit:
     * its rows are visible only through their unit's consent.
     */
    public void setRequired(TableName table, boolean required) {
        TableDef def = requireTable(table, "CONSENT REQUIRED");
        if (required && policies.unitPath(table).isEmpty()) {
            throw InvalidPolicy.of(
                    "CONSENT REQUIRED",
                    table.toString(),
                    "the table has no PRIVACY UNIT; set one first, so that each row has a person whose consent counts");
        }
        catalog.write(c -> {
            if (required) {
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT OR IGNORE INTO consent_required_tables (table_id) VALUES (?)")) {
                    ps.setLong(1, def.id());
                    ps.executeUpdate();
                }
            } else {
                delete(c, "DELETE FROM consent_required_tables WHERE table_id = ?", def.id());
            }
            return null;
        });
    }

    /** Makes every table of a schema that has a privacy unit require consent (or not). */
    public void setSchemaRequired(String schema, boolean required) {
        requireNonNull(schema, "schema is null");
        if (!catalog.schemaExists(schema)) {
            throw new VeilException(ErrorCode.UNKNOWN_SCHEMA, "Schema '" + schema + "' not found");
        }
        catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    required
                            ? "INSERT OR IGNORE INTO consent_required_schemas (schema_name) VALUES (?)"
                            : "DELETE FROM consent_required_schemas WHERE schema_name = ?")) {
                ps.setString(1, schema);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Sets (or, empty, drops) a table's retention period. */
    public void setRetention(TableName table, Optional<Retention> retention) {
        requireNonNull(retention, "retention is null");
        String definition = retention.map(Retention::definition).orElse("DROP RETENTION");
        TableDef def = requireTable(table, definition);
        if (retention.isPresent()) {
            requireType(def, retention.get().column(), definition, VeilType.TIMESTAMP, VeilType.DATE);
        }
        catalog.write(c -> {
            delete(c, "DELETE FROM retention_periods WHERE table_id = ?", def.id());
            if (retention.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO retention_periods (table_id, days, column_name) VALUES (?, ?, ?)")) {
                    ps.setLong(1, def.id());
                    ps.setInt(2, retention.get().days());
                    ps.setString(3, retention.get().column());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- reading

    /** What consent and retention ask of the scans of {@code table}. */
    public TableConsent of(TableName table) {
        requireNonNull(table, "table is null");
        Optional<TableDef> def = catalog.table(table);
        if (def.isEmpty()) {
            return TableConsent.none(table);
        }
        long id = def.get().id();
        record Stored(
                Map<String, String> categories,
                boolean required,
                Optional<Retention> retention,
                List<ConsentSource> sources,
                boolean isSource) {}
        Stored stored = catalog.read(c -> {
            Map<String, String> categories = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT column_name, category FROM column_categories WHERE table_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        categories.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            boolean required = exists(c, "SELECT 1 FROM consent_required_tables WHERE table_id = ?", id)
                    || exists(c, table.schema());
            Optional<Retention> retention = Optional.empty();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT days, column_name FROM retention_periods WHERE table_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        retention = Optional.of(new Retention(rs.getInt(1), rs.getString(2)));
                    }
                }
            }
            List<ConsentSource> sources = sources(c);
            boolean isSource = sources.stream().anyMatch(s -> s.table().equals(table));
            return new Stored(categories, required, retention, sources, isSource);
        });
        // The unit path is resolved only for a table that requires consent: a broken path of a table
        // without consent rules is the other policies' concern, not a failure of every scan.
        Optional<UnitPath> unit = stored.required() && !stored.isSource() ? policies.unitPath(table) : Optional.empty();
        Optional<ConsentSource> source = unit.flatMap(u -> stored.sources().stream()
                .filter(s -> s.unitTable().equals(u.unitTable()) && s.unitKey().equals(u.unitColumn()))
                .findFirst());
        // A consent table is never itself consent-required: its rows are what consent is read from.
        boolean required = stored.required() && unit.isPresent() && !stored.isSource();
        return new TableConsent(table, stored.categories(), required, stored.retention(), unit, source);
    }

    /**
     * The consent and retention rules declared on {@code table} itself, as a policy file holds
     * them ({@link TableRules#select} and {@link TableRules#setNullOnErase} are left empty): its
     * categories, its own CONSENT REQUIRED flag (not its schema's), the consent source it is, and
     * its retention.
     */
    public TableRules declared(TableName table) {
        requireNonNull(table, "table is null");
        Optional<TableDef> def = catalog.table(table);
        if (def.isEmpty()) {
            return TableRules.none(table);
        }
        long id = def.get().id();
        return catalog.read(c -> {
            Map<String, String> categories = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT column_name, category FROM column_categories WHERE table_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        categories.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            boolean required = exists(c, "SELECT 1 FROM consent_required_tables WHERE table_id = ?", id);
            Optional<Retention> retention = Optional.empty();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT days, column_name FROM retention_periods WHERE table_id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        retention = Optional.of(new Retention(rs.getInt(1), rs.getString(2)));
                    }
                }
            }
            Optional<ConsentSource> source =
                    sources(c).stream().filter(s -> s.table().equals(table)).findFirst();
            return new TableRules(table, false, categories, required, source, retention, Grantees.none());
        });
    }

    /** Whether {@code ALTER SCHEMA s SET CONSENT REQUIRED} is set on {@code schema}. */
    public boolean schemaRequired(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> exists(c, schema));
    }

    /**
     * Removes every consent and retention rule declared on {@code table} (categories, its CONSENT
     * REQUIRED flag, its consent source declaration, its retention). Meant for replacing them inside
     * one transaction that sets the new ones.
     */
    public void clear(TableName table) {
        TableDef def = requireTable(table, "policies");
        catalog.write(c -> {
            for (String sql : List.of(
                    "DELETE FROM column_categories WHERE table_id = ?",
                    "DELETE FROM consent_required_tables WHERE table_id = ?",
                    "DELETE FROM consent_sources WHERE table_id = ?",
                    "DELETE FROM retention_periods WHERE table_id = ?")) {
                delete(c, sql, def.id());
            }
            return null;
        });
    }

    /** Every table with a retention period, by name. */
    public Map<TableName, Retention> retentions() {
        return catalog.read(c -> {
            Map<TableName, Retention> result = new java.util.LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT t.schema_name, t.name, r.days, r.column_name
                    FROM retention_periods r JOIN tables t ON t.id = r.table_id
                    ORDER BY t.schema_name, t.name""");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(
                            new TableName(rs.getString(1), rs.getString(2)),
                            new Retention(rs.getInt(3), rs.getString(4)));
                }
            }
            return result;
        });
    }

    /** Every declared consent source. */
    public List<ConsentSource> sources() {
        return catalog.read(ConsentPolicies::sources);
    }

    /** Whether {@code table} is a declared consent source. */
    public boolean isSource(TableName table) {
        return sources().stream().anyMatch(s -> s.table().equals(table));
    }

    private static List<ConsentSource> sources(Connection c) throws SQLException {
        List<ConsentSource> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.schema_name, t.name, s.unit_column, s.unit_schema, s.unit_table, s.unit_key, s.purpose_column,
                    s.category_column, s.granted_column, s.expires_column, s.withdrawn_column
                FROM consent_sources s JOIN tables t ON t.id = s.table_id
                ORDER BY t.schema_name, t.name""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(new ConsentSource(
                        new TableName(rs.getString(1), rs.getString(2)),
                        rs.getString(3),
                        new TableName(rs.getString(4), rs.getString(5)),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10),
                        Optional.ofNullable(rs.getString(11))));
            }
        }
        return result;
    }

    private static boolean exists(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean exists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM consent_required_schemas WHERE schema_name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean delete(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private TableDef requireTable(TableName table, String definition) {
        requireNonNull(table, "table is null");
        return catalog.table(table)
                .orElseThrow(() -> new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + table + "' not found"));
    }

    private static Column requireColumn(TableDef def, String column, String definition) {
        return def.column(column)
                .orElseThrow(() -> InvalidPolicy.of(
                        definition, def.name() + "." + column, "column '" + column + "' not found in " + def.name()));
    }

    private static void requireType(TableDef def, String column, String definition, VeilType... types) {
        Column col = requireColumn(def, column, definition);
        for (VeilType type : types) {
            if (col.type().type() == type) {
                return;
            }
        }
        throw InvalidPolicy.of(
                definition,
                def.name() + "." + column,
                "column '" + column + "' is " + col.type() + "; it must be of type "
                        + java.util.Arrays.stream(types)
                                .map(Enum::name)
                                .collect(java.util.stream.Collectors.joining(" or ")));
    }
}
