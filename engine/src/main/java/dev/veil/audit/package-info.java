/**
 * Append-only audit log of statements, decisions and budget charges, in {@code veil.db}
 * ({@link dev.veil.audit.AuditLog}). Sessions record every statement through it. Calls
 * {@code catalog} only.
 */
package dev.veil.audit;
