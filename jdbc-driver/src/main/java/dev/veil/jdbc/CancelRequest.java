package dev.veil.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectionConfig;

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
        ConnectionConfig config = connection.config();
        URI uri = URI.create(config.url()).resolve("/" + PATH);
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        try {
            if (http instanceof HttpsURLConnection https) {
                configureTls(https, config);
            }
            http.setConnectTimeout(TIMEOUT_MILLIS);
            http.setReadTimeout(TIMEOUT_MILLIS);
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            if (config.avaticaUser() != null && config.avaticaPassword() != null) {
                String token = config.avaticaUser() + ":" + config.avaticaPassword();
                http.setRequestProperty(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
            }
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

    @SuppressWarnings("deprecation")
    private static void configureTls(HttpsURLConnection https, ConnectionConfig config) throws IOException {
        if (config.truststore() != null) {
            try {
                String type = config.keystoreType() != null ? config.keystoreType() : KeyStore.getDefaultType();
                KeyStore trust = KeyStore.getInstance(type);
                Path path = config.truststore().toPath();
                try (InputStream in = Files.newInputStream(path)) {
                    String password = config.truststorePassword();
                    trust.load(in, password == null ? null : password.toCharArray());
                }
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                https.setSSLSocketFactory(context.getSocketFactory());
            } catch (GeneralSecurityException e) {
                throw new IOException("Cannot load truststore " + config.truststore() + ": " + e.getMessage(), e);
            }
        }
        if (config.hostnameVerification()
                == org.apache.calcite.avatica.remote.HostnameVerificationConfigurable.HostnameVerification.NONE) {
            https.setHostnameVerifier((host, session) -> true);
        }
    }
}
