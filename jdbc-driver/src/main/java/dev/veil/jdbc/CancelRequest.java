package dev.veil.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import org.apache.calcite.avatica.AvaticaConnection;

/**
 * Asks the server to cancel a running statement. Avatica's protocol has no cancel message, so
 * the driver posts {@code <connectionId> <statementId>} to the server's {@code /veil/cancel},
 * with the connection's credentials and TLS settings. It uses its own HTTP connection, so a
 * cancel is never stuck behind the request it cancels.
 */
final class CancelRequest {
    static final String PATH = "veil/cancel";
    private static final int TIMEOUT_MILLIS = 10_000;

    private CancelRequest() {}

    /** Sends the cancel; returns whether the server found the statement. */
    static boolean send(AvaticaConnection connection, int statementId) throws IOException {
        HttpURLConnection http = ServerRequests.open(connection, PATH, TIMEOUT_MILLIS);
        try {
            http.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            try (OutputStream out = http.getOutputStream()) {
                out.write((connection.id + " " + statementId).getBytes(StandardCharsets.UTF_8));
            }
            int status = http.getResponseCode();
            try (InputStream in = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status == 200;
        } finally {
            http.disconnect();
        }
    }
}
