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
            new Migration(1, "schemas, tables, columns, table versions and segments", List.of(
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
            new Migration(2, "users, roles and role grants", List.of(
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
                    )""")));

    private CatalogMigrations() {
    }

    static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }
}
