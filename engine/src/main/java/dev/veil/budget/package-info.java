/**
 * Durable privacy-budget ledger: checks and charges a query's cost in one transaction
 * before any noisy result is released. {@link dev.veil.budget.PrivacyBudgets} holds the budgets
 * and their assignments, {@link dev.veil.budget.BudgetLedger} the charges; both live in the
 * catalog database, as do the stored DP releases ({@link dev.veil.budget.StoredReleases}) that a
 * question asked again on the same data replays at no charge. Calls only {@code catalog},
 * {@code storage} (to find the catalog) and
 * {@code audit} (statement text limits).
 */
package dev.veil.budget;
