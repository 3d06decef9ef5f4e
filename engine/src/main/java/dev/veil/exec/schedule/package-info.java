/**
 * Scheduling of statements on the server's processors and admission of users' statements:
 * {@code CpuScheduler} (run slots, a multilevel feedback queue fair per user, yields at the
 * statements' cancel checks) and {@code StatementAdmission} (a cap on the statements one user
 * runs at once). A leaf: calls nothing in Veil but its error codes.
 */
package dev.veil.exec.schedule;
