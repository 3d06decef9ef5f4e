/**
 * Append-only audit log of statements, decisions and budget charges.
 */
package dev.veil.audit;
