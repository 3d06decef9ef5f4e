/**
 * The policy model (table, column, row, budget, consent policies) and its store.
 */
package dev.veil.policy;
