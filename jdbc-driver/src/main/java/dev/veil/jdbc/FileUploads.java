package dev.veil.jdbc;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * What a JDBC connection to a Veil server can do beside SQL: upload a client-side file for a
 * load. Reach it with {@code connection.unwrap(FileUploads.class)}; then
 * {@code COPY s.t FROM 'upload:<id>' [WITH (...)]} on the same user's connection loads the file
 * once, all or nothing, and removes it. Only admins may upload.
 */
public interface FileUploads {
    /** Streams {@code file} to the server and returns the id of the upload. */
    String upload(Path file) throws SQLException;
}
