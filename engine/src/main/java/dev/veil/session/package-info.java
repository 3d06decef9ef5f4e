/**
 * A session is one principal (user and roles) with its settings; it runs one statement
 * end to end: parse, validate against the session's view of the catalog, plan, rewrite,
 * execute. Home of the JDBC {@code Meta} that serves both the embedded driver and the server.
 */
package dev.veil.session;
