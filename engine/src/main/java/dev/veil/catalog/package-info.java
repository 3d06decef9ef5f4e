/**
 * Metadata: schemas, tables, columns, their types and versions, users and roles, owners and grants
 * of tables, views and schemas ({@code TableGrants}, {@code SchemaGrants}), stored views
 * ({@code Views}: their SQL text, expanded elsewhere), purposes with their grants and defaults
 * ({@code Purposes}), kept in the warehouse's SQLite database
 * {@code veil.db}.
 */
package dev.veil.catalog;
