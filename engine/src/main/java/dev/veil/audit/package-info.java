/**
 * Append-only audit log of statements, decisions and budget charges, in {@code veil.db}
 * ({@link dev.veil.audit.AuditLog}). Sessions record every statement through it. The erasure log
 * ({@link dev.veil.audit.ErasureLog}) records each ERASE and EXPORT PRIVACY UNIT with the unit's
 * keyed fingerprint, never its value. Calls {@code catalog} only.
 */
package dev.veil.audit;
