/**
 * Command-line interface (picocli): {@code veil init | load | sql | serve | demo}.
 *
 * <p>The top layer: it may call every layer below it. Commands talk to the engine through
 * the embedded JDBC driver where they run SQL, and through {@code storage} only for bulk loads.
 */
package dev.veil.cli;
