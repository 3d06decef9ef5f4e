/**
 * Durable privacy-budget ledger: checks and charges a query's cost in one transaction
 * before any noisy result is released.
 */
package dev.veil.budget;
