package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The schema of {@code veil.db}, as an ordered list of migrations. A new warehouse applies them
 * all; an existing one applies those above its recorded schema version, each in one transaction.
 * Append new migrations at the end (users, roles, policies, budgets, audit); never edit one that
 * has been released.
 */
final class CatalogMigrations {
    /** One step of the schema: its version number and the statements that take the db there. */
    record Migration(int version, String description, List<String> statements) {
        Migration {
            requireNonNull(description, "description is null");
            statements = List.copyOf(requireNonNull(statements, "statements is null"));
        }
    }

    /** Holds the version of the last applied migration in its single row. */
    static final String SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

    static final List<Migration> ALL = List.of(
            new Migration(
                    1,
                    "schemas, tables, columns, table versions and segments",
                    List.of(
                            """
                    CREATE TABLE schemas (
                        name        TEXT PRIMARY KEY,
                        created_at  INTEGER NOT NULL
                    )""",
                            // AUTOINCREMENT: ids are never reused, even after the highest table is dropped,
                            // so an id held by a running statement can never name a different table.
                            """
                    CREATE TABLE tables (
                        id          INTEGER PRIMARY KEY AUTOINCREMENT,
                        schema_name TEXT NOT NULL REFERENCES schemas (name),
                        name        TEXT NOT NULL,
                        version     INTEGER NOT NULL DEFAULT 0,
                        created_at  INTEGER NOT NULL,
                        UNIQUE (schema_name, name)
                    )""",
                            """
                    CREATE TABLE columns (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        ordinal     INTEGER NOT NULL,
                        name        TEXT NOT NULL,
                        type        TEXT NOT NULL,
                        nullable    INTEGER NOT NULL,
                        PRIMARY KEY (table_id, ordinal),
                        UNIQUE (table_id, name)
                    )""",
                            // One row per committed version: when, and how big the table was.
                            """
                    CREATE TABLE table_versions (
                        table_id      INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        version       INTEGER NOT NULL,
                        committed_at  INTEGER NOT NULL,
                        row_count     INTEGER NOT NULL,
                        segment_count INTEGER NOT NULL,
                        PRIMARY KEY (table_id, version)
                    )""",
                            // A segment belongs to versions added_in <= v < removed_in (removed_in NULL: still
                            // current). The current version's list is the rows with removed_in NULL, by ordinal.
                            """
                    CREATE TABLE segments (
                        path        TEXT PRIMARY KEY,
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        ordinal     INTEGER NOT NULL,
                        row_count   INTEGER NOT NULL,
                        size_bytes  INTEGER NOT NULL,
                        added_in    INTEGER NOT NULL,
                        removed_in  INTEGER
                    )""",
                            "CREATE INDEX segments_current ON segments (table_id, removed_in, ordinal)")),
            new Migration(
                    2,
                    "users, roles and role grants",
                    List.of(
                            """
                    CREATE TABLE roles (
                        name        TEXT PRIMARY KEY,
                        built_in    INTEGER NOT NULL DEFAULT 0,
                        created_at  INTEGER NOT NULL
                    )""",
                            "INSERT INTO roles (name, built_in, created_at) VALUES ('admin', 1, 0), ('analyst', 1, 0)",
                            // password_hash is a PBKDF2 string (see PasswordHash); never a clear password.
                            """
                    CREATE TABLE users (
                        name          TEXT PRIMARY KEY,
                        password_hash TEXT NOT NULL,
                        created_at    INTEGER NOT NULL
                    )""",
                            """
                    CREATE TABLE user_roles (
                        user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                        role_name   TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
                        PRIMARY KEY (user_name, role_name)
                    )""")),
            new Migration(
                    3,
                    "policies and the audit log",
                    List.of(
                            // Policies belong to a table by id: dropping the table drops its policies. A
                            // role_name of NULL scopes a policy to every non-admin role; a dropped role takes
                            // its scoped policies with it (its users lose the role too). The parent of a VIA
                            // unit and the table of a REFERENCES domain are kept by name, so that dropping
                            // them breaks the path and the resolver refuses the child (it fails closed).
                            """
                    CREATE TABLE policy_units (
                        table_id      INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE,
                        column_name   TEXT NOT NULL,
                        parent_schema TEXT,
                        parent_table  TEXT,
                        parent_column TEXT,
                        CHECK ((parent_schema IS NULL) = (parent_table IS NULL)
                               AND (parent_table IS NULL) = (parent_column IS NULL))
                    )""",
                            """
                    CREATE TABLE policy_min_group_sizes (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        role_name   TEXT REFERENCES roles (name) ON DELETE CASCADE,
                        k           INTEGER NOT NULL CHECK (k >= 2),
                        remainder   INTEGER NOT NULL
                    )""",
                            "CREATE UNIQUE INDEX policy_min_group_sizes_scope "
                                    + "ON policy_min_group_sizes (table_id, ifnull(role_name, ''))",
                            // Bounds and mask arguments are decimal strings, so they round-trip exactly.
                            """
                    CREATE TABLE policy_columns (
                        table_id      INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        column_name   TEXT NOT NULL,
                        role_name     TEXT REFERENCES roles (name) ON DELETE CASCADE,
                        class         TEXT NOT NULL,
                        lower_bound   TEXT,
                        upper_bound   TEXT,
                        mask          TEXT,
                        mask_argument TEXT
                    )""",
                            "CREATE UNIQUE INDEX policy_columns_scope "
                                    + "ON policy_columns (table_id, column_name, ifnull(role_name, ''))",
                            """
                    CREATE TABLE policy_row_filters (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        role_name   TEXT REFERENCES roles (name) ON DELETE CASCADE,
                        predicate   TEXT NOT NULL
                    )""",
                            "CREATE UNIQUE INDEX policy_row_filters_scope "
                                    + "ON policy_row_filters (table_id, ifnull(role_name, ''))",
                            """
                    CREATE TABLE policy_domains (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        column_name TEXT NOT NULL,
                        ref_schema  TEXT,
                        ref_table   TEXT,
                        ref_column  TEXT,
                        PRIMARY KEY (table_id, column_name)
                    )""",
                            """
                    CREATE TABLE policy_domain_values (
                        table_id    INTEGER NOT NULL,
                        column_name TEXT NOT NULL,
                        ordinal     INTEGER NOT NULL,
                        value       TEXT NOT NULL,
                        PRIMARY KEY (table_id, column_name, ordinal),
                        FOREIGN KEY (table_id, column_name) REFERENCES policy_domains (table_id, column_name)
                            ON DELETE CASCADE
                    )""",
                            // The audit log is append-only: an entry's who, when, what and decision never
                            // change. A query's entry is written before its rows leave, and completed once
                            // (rows returned, finish time, and FAILED if it broke off) when it is closed.
                            """
                    CREATE TABLE audit_log (
                        id            INTEGER PRIMARY KEY AUTOINCREMENT,
                        at            INTEGER NOT NULL,
                        user_name     TEXT NOT NULL,
                        kind          TEXT NOT NULL,
                        statement     TEXT NOT NULL,
                        decision      TEXT NOT NULL CHECK (decision IN ('ALLOWED', 'REJECTED', 'FAILED')),
                        reason        TEXT,
                        rows_returned INTEGER,
                        epsilon       REAL NOT NULL DEFAULT 0,
                        delta         REAL NOT NULL DEFAULT 0,
                        finished_at   INTEGER
                    )""",
                            "CREATE INDEX audit_log_user ON audit_log (user_name, id)",
                            """
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only');
                    END""",
                            """
                    CREATE TRIGGER audit_log_complete_once BEFORE UPDATE ON audit_log
                    WHEN OLD.finished_at IS NOT NULL
                        OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_name IS NOT OLD.user_name
                        OR NEW.kind IS NOT OLD.kind OR NEW.statement IS NOT OLD.statement
                        OR NEW.epsilon IS NOT OLD.epsilon OR NEW.delta IS NOT OLD.delta
                        OR (NEW.decision IS NOT OLD.decision AND NEW.decision IS NOT 'FAILED')
                    BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only');
                    END""")),
            new Migration(
                    4,
                    "privacy budgets, their assignments and the budget ledger",
                    List.of(
                            // Limits hold per user and per calendar window in UTC (see dev.veil.budget).
                            """
                    CREATE TABLE privacy_budgets (
                        name          TEXT PRIMARY KEY,
                        epsilon_limit REAL NOT NULL CHECK (epsilon_limit > 0),
                        delta_limit   REAL NOT NULL CHECK (delta_limit >= 0 AND delta_limit < 1),
                        refill_window TEXT NOT NULL CHECK (refill_window IN ('DAILY', 'WEEKLY', 'MONTHLY', 'NEVER')),
                        created_at    INTEGER NOT NULL
                    )""",
                            // At most one budget per user and per role; assigning again replaces it. A dropped
                            // user or role takes its assignment with it. Budgets are never dropped: the ledger
                            // names them.
                            """
                    CREATE TABLE user_budgets (
                        user_name   TEXT PRIMARY KEY REFERENCES users (name) ON DELETE CASCADE,
                        budget_name TEXT NOT NULL REFERENCES privacy_budgets (name),
                        assigned_at INTEGER NOT NULL
                    )""",
                            """
                    CREATE TABLE role_budgets (
                        role_name   TEXT PRIMARY KEY REFERENCES roles (name) ON DELETE CASCADE,
                        budget_name TEXT NOT NULL REFERENCES privacy_budgets (name),
                        assigned_at INTEGER NOT NULL
                    )""",
                            // Append-only, like the audit log. user_name is no foreign key: a dropped user's
                            // charges stay (and count again if the name is reused, which errs on the side of
                            // privacy). charged_at is in milliseconds since the epoch; window_start is the
                            // start of the budget window the charge fell in (0 for NEVER).
                            """
                    CREATE TABLE budget_ledger (
                        id           INTEGER PRIMARY KEY AUTOINCREMENT,
                        user_name    TEXT NOT NULL,
                        budget_name  TEXT NOT NULL,
                        epsilon      REAL NOT NULL CHECK (epsilon >= 0),
                        delta        REAL NOT NULL CHECK (delta >= 0),
                        charged_at   INTEGER NOT NULL,
                        window_start INTEGER NOT NULL,
                        statement    TEXT NOT NULL
                    )""",
                            "CREATE INDEX budget_ledger_user ON budget_ledger (user_name, charged_at)",
                            """
                    CREATE TRIGGER budget_ledger_no_delete BEFORE DELETE ON budget_ledger
                    BEGIN
                        SELECT RAISE(ABORT, 'the budget ledger is append-only');
                    END""",
                            """
                    CREATE TRIGGER budget_ledger_no_update BEFORE UPDATE ON budget_ledger
                    BEGIN
                        SELECT RAISE(ABORT, 'the budget ledger is append-only');
                    END""")),
            new Migration(
                    5,
                    "differential-privacy policies",
                    List.of(
                            // One per table and scope, like the minimum group sizes; epsilon and delta are
                            // doubles (REAL round-trips them exactly), the contribution bounds whole numbers.
                            """
                    CREATE TABLE policy_differential_privacy (
                        table_id                    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        role_name                   TEXT REFERENCES roles (name) ON DELETE CASCADE,
                        epsilon                     REAL NOT NULL CHECK (epsilon > 0),
                        delta                       REAL NOT NULL CHECK (delta >= 0 AND delta < 1),
                        max_groups_per_unit         INTEGER NOT NULL CHECK (max_groups_per_unit >= 1),
                        max_rows_per_unit_per_group INTEGER NOT NULL CHECK (max_rows_per_unit_per_group >= 1)
                    )""",
                            "CREATE UNIQUE INDEX policy_differential_privacy_scope "
                                    + "ON policy_differential_privacy (table_id, ifnull(role_name, ''))")),
            new Migration(
                    6,
                    "running statements in the audit log",
                    List.of(
                            // Every statement's entry is now written when it starts and completed once when it
                            // ends: with its outcome (the decision changes only in that completing update),
                            // and with each budget charge as it happens (epsilon and delta only grow).
                            "DROP TRIGGER audit_log_complete_once", """
                    CREATE TRIGGER audit_log_complete_once BEFORE UPDATE ON audit_log
                    WHEN OLD.finished_at IS NOT NULL
                        OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_name IS NOT OLD.user_name
                        OR NEW.kind IS NOT OLD.kind OR NEW.statement IS NOT OLD.statement
                        OR NEW.epsilon < OLD.epsilon OR NEW.delta < OLD.delta
                        OR (NEW.decision IS NOT OLD.decision AND NEW.finished_at IS NULL)
                    BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only');
                    END""")),
            new Migration(
                    7,
                    "role settings",
                    List.of(
                            // Settings such as statement_memory and statement_timeout, per role (see RoleSettings); a
                            // dropped role
                            // takes its settings with it.
                            """
                    CREATE TABLE role_settings (
                        role_name   TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
                        setting     TEXT NOT NULL,
                        value       TEXT NOT NULL,
                        set_at      INTEGER NOT NULL,
                        PRIMARY KEY (role_name, setting)
                    )""")),
            new Migration(
                    8,
                    "owners of schemas and tables, and grants of users' tables",
                    List.of(
                            // A schema or table that a user who is not an admin created belongs to that user
                            // (see ObjectAccess in the policy package); those that admins created have no row.
                            """
                    CREATE TABLE schema_owners (
                        schema_name TEXT PRIMARY KEY REFERENCES schemas (name) ON DELETE CASCADE,
                        owner       TEXT NOT NULL
                    )""",
                            """
                    CREATE TABLE table_owners (
                        table_id    INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE,
                        owner       TEXT NOT NULL
                    )""",
                            // Who else sees a user's table (see TableGrants); a dropped table, role or user takes
                            // its grants with it.
                            """
                    CREATE TABLE table_grants_to_roles (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        role_name   TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (table_id, role_name)
                    )""",
                            """
                    CREATE TABLE table_grants_to_users (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (table_id, user_name)
                    )""")),
            new Migration(
                    9,
                    "views, grants of views, restricted schemas and grants on schemas",
                    List.of(
                            // A view is stored SQL, expanded at query time as the querying user (see Views). Its
                            // owner is null for an admin's view. A view's name is unique among the tables and
                            // views of its schema (SqliteCatalog.createTable and Views.create check both).
                            """
                    CREATE TABLE views (
                        id          INTEGER PRIMARY KEY,
                        schema_name TEXT NOT NULL REFERENCES schemas (name),
                        name        TEXT NOT NULL,
                        owner       TEXT,
                        sql_text    TEXT NOT NULL,
                        schema_path TEXT NOT NULL,
                        explicit_columns INTEGER NOT NULL,
                        created_by  TEXT NOT NULL,
                        created_at  INTEGER NOT NULL,
                        UNIQUE (schema_name, name)
                    )""",
                            """
                    CREATE TABLE view_columns (
                        view_id     INTEGER NOT NULL REFERENCES views (id) ON DELETE CASCADE,
                        ordinal     INTEGER NOT NULL,
                        name        TEXT NOT NULL,
                        type        TEXT NOT NULL,
                        PRIMARY KEY (view_id, ordinal)
                    )""",
                            """
                    CREATE TABLE view_grants_to_roles (
                        view_id     INTEGER NOT NULL REFERENCES views (id) ON DELETE CASCADE,
                        role_name   TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (view_id, role_name)
                    )""",
                            """
                    CREATE TABLE view_grants_to_users (
                        view_id     INTEGER NOT NULL REFERENCES views (id) ON DELETE CASCADE,
                        user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (view_id, user_name)
                    )""",
                            // ALTER SCHEMA s SET ACCESS RESTRICTED: one row per restricted schema (see SchemaAccess).
                            """
                    CREATE TABLE restricted_schemas (
                        schema_name TEXT PRIMARY KEY REFERENCES schemas (name) ON DELETE CASCADE,
                        set_by      TEXT NOT NULL,
                        set_at      INTEGER NOT NULL
                    )""",
                            // GRANT {SELECT | CREATE} ON SCHEMA s TO {ROLE r | USER u}.
                            """
                    CREATE TABLE schema_grants_to_roles (
                        schema_name TEXT NOT NULL REFERENCES schemas (name) ON DELETE CASCADE,
                        privilege   TEXT NOT NULL CHECK (privilege IN ('SELECT', 'CREATE')),
                        role_name   TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (schema_name, privilege, role_name)
                    )""",
                            """
                    CREATE TABLE schema_grants_to_users (
                        schema_name TEXT NOT NULL REFERENCES schemas (name) ON DELETE CASCADE,
                        privilege   TEXT NOT NULL CHECK (privilege IN ('SELECT', 'CREATE')),
                        user_name   TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
                        granted_by  TEXT NOT NULL,
                        granted_at  INTEGER NOT NULL,
                        PRIMARY KEY (schema_name, privilege, user_name)
                    )""")),
            new Migration(
                    10,
                    "erasure of privacy units: the erasure log, its key, and ON ERASE rules",
                    List.of(
                            // What an erasure of a table reached VIA a nullable foreign key does to its rows.
                            """
                    ALTER TABLE policy_units ADD COLUMN on_erase TEXT NOT NULL DEFAULT 'DELETE'
                        CHECK (on_erase IN ('DELETE', 'SET NULL'))""",
                            // The secret of the unit fingerprints (HMAC-SHA256), made on first use (ErasureLog).
                            """
                    CREATE TABLE erasure_key (
                        id          INTEGER PRIMARY KEY CHECK (id = 1),
                        secret      BLOB NOT NULL CHECK (length(secret) = 32)
                    )""",
                            // One row per ERASE (and per EXPORT) PRIVACY UNIT: never the unit's value, only
                            // its keyed fingerprint, and the rows per table.
                            """
                    CREATE TABLE erasure_log (
                        id               INTEGER PRIMARY KEY AUTOINCREMENT,
                        at               INTEGER NOT NULL,
                        user_name        TEXT NOT NULL,
                        action           TEXT NOT NULL CHECK (action IN ('ERASE', 'EXPORT')),
                        unit_table       TEXT NOT NULL,
                        unit_fingerprint TEXT NOT NULL,
                        row_counts       TEXT NOT NULL
                    )""",
                            "CREATE INDEX erasure_log_fingerprint ON erasure_log (unit_fingerprint)",
                            """
                    CREATE TRIGGER erasure_log_append_only BEFORE UPDATE ON erasure_log
                    BEGIN
                        SELECT RAISE(ABORT, 'the erasure log is append-only');
                    END""",
                            """
                    CREATE TRIGGER erasure_log_no_delete BEFORE DELETE ON erasure_log
                    BEGIN
                        SELECT RAISE(ABORT, 'the erasure log is append-only');
                    END""")),
            new Migration(
                    11,
                    "stored differentially private releases (consistent answers), replays in the audit log",
                    List.of(
                            // One row per question answered (see StoredReleases in the budget package): the
                            // fingerprint of what it answered, and its noisy rows once drawn (NULL while the
                            // statement that paid for it has not drawn them yet, or never did).
                            """
                    CREATE TABLE dp_releases (
                        fingerprint TEXT PRIMARY KEY,
                        rows        BLOB,
                        created_at  INTEGER NOT NULL,
                        used_at     INTEGER NOT NULL
                    )""",
                            "CREATE INDEX dp_releases_used ON dp_releases (used_at)",
                            // The table versions each release read: a newer version retires it.
                            """
                    CREATE TABLE dp_release_reads (
                        fingerprint TEXT NOT NULL REFERENCES dp_releases (fingerprint) ON DELETE CASCADE,
                        table_id    INTEGER NOT NULL,
                        version     INTEGER NOT NULL,
                        PRIMARY KEY (fingerprint, table_id)
                    )""",
                            "CREATE INDEX dp_release_reads_table ON dp_release_reads (table_id, version)",
                            // How many of a statement's DP releases were replays of stored ones (charged 0).
                            "ALTER TABLE audit_log ADD COLUMN replays INTEGER NOT NULL DEFAULT 0")),
            new Migration(
                    12,
                    "purposes, data categories, consent sources, consent requirements and retention",
                    List.of(
                            // A statement runs under one purpose (see Purposes); 'administration' is built in.
                            """
                    CREATE TABLE purposes (
                        name          TEXT PRIMARY KEY,
                        comment       TEXT,
                        renewal_days  INTEGER CHECK (renewal_days IS NULL OR renewal_days > 0),
                        created_at    INTEGER NOT NULL
                    )""",
                            // GRANT PURPOSE p TO {ROLE r | USER u}; a dropped purpose takes its grants with it.
                            """
                    CREATE TABLE purpose_grants (
                        purpose       TEXT NOT NULL REFERENCES purposes (name) ON DELETE CASCADE,
                        grantee_kind  TEXT NOT NULL CHECK (grantee_kind IN ('ROLE', 'USER')),
                        grantee       TEXT NOT NULL,
                        granted_at    INTEGER NOT NULL,
                        PRIMARY KEY (purpose, grantee_kind, grantee)
                    )""",
                            // ALTER {USER u | ROLE r} SET PURPOSE p: the purpose a statement runs under by default.
                            """
                    CREATE TABLE default_purposes (
                        principal_kind TEXT NOT NULL CHECK (principal_kind IN ('ROLE', 'USER')),
                        principal      TEXT NOT NULL,
                        purpose        TEXT NOT NULL REFERENCES purposes (name) ON DELETE CASCADE,
                        PRIMARY KEY (principal_kind, principal)
                    )""",
                            // ALTER TABLE t ALTER COLUMN c SET CATEGORY x; a column without a row is 'general'.
                            """
                    CREATE TABLE column_categories (
                        table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
                        column_name TEXT NOT NULL,
                        category    TEXT NOT NULL,
                        PRIMARY KEY (table_id, column_name)
                    )""",
                            // ALTER TABLE t SET CONSENT SOURCE (...): the columns of a consent table, and the unit
                            // (kept by name, like a VIA parent) whose consents it holds.
                            """
                    CREATE TABLE consent_sources (
                        table_id        INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE,
                        unit_column     TEXT NOT NULL,
                        unit_schema     TEXT NOT NULL,
                        unit_table      TEXT NOT NULL,
                        unit_key        TEXT NOT NULL,
                        purpose_column  TEXT NOT NULL,
                        category_column TEXT NOT NULL,
                        granted_column  TEXT NOT NULL,
                        expires_column  TEXT NOT NULL,
                        withdrawn_column TEXT
                    )""",
                            // ALTER TABLE t SET CONSENT REQUIRED, ALTER SCHEMA s SET CONSENT REQUIRED.
                            """
                    CREATE TABLE consent_required_tables (
                        table_id    INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE
                    )""",
                            """
                    CREATE TABLE consent_required_schemas (
                        schema_name TEXT PRIMARY KEY REFERENCES schemas (name) ON DELETE CASCADE
                    )""",
                            // ALTER TABLE t SET RETENTION n DAYS ON c.
                            """
                    CREATE TABLE retention_periods (
                        table_id    INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE,
                        days        INTEGER NOT NULL CHECK (days > 0),
                        column_name TEXT NOT NULL
                    )""",
                            // The purpose a statement ran under and what it read (table.column:category, ...).
                            "ALTER TABLE audit_log ADD COLUMN purpose TEXT",
                            "ALTER TABLE audit_log ADD COLUMN reads TEXT")),
            new Migration(
                    13,
                    "connections to remote databases and foreign tables",
                    List.of(
                            // The password is read from a file at CREATE CONNECTION and kept here; no SHOW,
                            // system table, EXPLAIN, audit row or error ever prints it.
                            """
                    CREATE TABLE connections (
                        name        TEXT PRIMARY KEY,
                        kind        TEXT NOT NULL CHECK (kind IN ('POSTGRESQL', 'TRINO')),
                        url         TEXT NOT NULL,
                        user_name   TEXT NOT NULL,
                        password    TEXT NOT NULL,
                        created_by  TEXT NOT NULL,
                        created_at  INTEGER NOT NULL
                    )""",
                            // A foreign table is a catalog table (columns, policies, grants as any other)
                            // whose rows live in a remote table; it never has segments.
                            """
                    CREATE TABLE foreign_tables (
                        table_id      INTEGER PRIMARY KEY REFERENCES tables (id) ON DELETE CASCADE,
                        connection    TEXT NOT NULL REFERENCES connections (name),
                        remote_schema TEXT NOT NULL,
                        remote_table  TEXT NOT NULL,
                        row_count     INTEGER NOT NULL,
                        refreshed_at  INTEGER NOT NULL
                    )""",
                            "CREATE INDEX foreign_tables_connection ON foreign_tables (connection)")),
            new Migration(
                    14,
                    "contribution bounds of a differential-privacy policy: FIXED or AUTO (chosen from the data)",
                    List.of("""
                    ALTER TABLE policy_differential_privacy ADD COLUMN contribution_bounds TEXT NOT NULL
                        DEFAULT 'FIXED' CHECK (contribution_bounds IN ('FIXED', 'AUTO'))""")),
            new Migration(
                    15,
                    "the HASH mask's key of an encrypted warehouse, kept in the (encrypted) catalog, not in mask.key",
                    List.of("""
                    CREATE TABLE mask_key (
                        id          INTEGER PRIMARY KEY CHECK (id = 1),
                        secret      BLOB NOT NULL CHECK (length(secret) = 32)
                    )""")));

    private CatalogMigrations() {}

    static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }
}
