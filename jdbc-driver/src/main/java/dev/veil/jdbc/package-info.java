/**
 * Veil's thin JDBC driver: {@code jdbc:veil://host:port}, Avatica's remote protocol (protobuf over
 * HTTP or HTTPS) with HTTP Basic authentication. It ships as one jar whose dependencies are
 * relocated under {@code dev.veil.jdbc.shaded}, so it can sit on any tool's class path.
 */
package dev.veil.jdbc;
