/**
 * Table data as immutable Arrow IPC segment files, table versions committed atomically in the
 * catalog, and the loaders (CSV, Arrow IPC) that write them. Calls {@code catalog}.
 */
package dev.veil.storage;
