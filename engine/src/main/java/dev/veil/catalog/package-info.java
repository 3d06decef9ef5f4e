/**
 * Metadata: schemas, tables, columns, their types and versions, users and roles, kept in the
 * warehouse's SQLite database {@code veil.db}.
 */
package dev.veil.catalog;
