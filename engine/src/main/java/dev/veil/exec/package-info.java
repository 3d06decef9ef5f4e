/**
 * Physical planning and execution: Calcite's enumerable convention over Veil's Arrow tables,
 * with projection and filter push-down into streaming scans. Calls {@code storage} and {@code catalog}.
 */
package dev.veil.exec;
