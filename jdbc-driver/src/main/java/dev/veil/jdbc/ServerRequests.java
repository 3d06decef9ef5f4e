package dev.veil.jdbc;

import java.io.IOException;
import java.io.InputStream;
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
import org.apache.calcite.avatica.remote.HostnameVerificationConfigurable.HostnameVerification;

/**
 * HTTP requests to the server beside Avatica's protocol (cancel, upload), each on its own HTTP
 * connection with the JDBC connection's credentials and TLS settings.
 */
final class ServerRequests {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private ServerRequests() {}

    /** A POST to {@code /path} of the connection's server; the caller writes the body. */
    static HttpURLConnection open(AvaticaConnection connection, String path, int readTimeoutMillis) throws IOException {
        ConnectionConfig config = connection.config();
        URI uri = URI.create(config.url()).resolve("/" + path);
        HttpURLConnection http = (HttpURLConnection) uri.toURL().openConnection();
        if (http instanceof HttpsURLConnection https) {
            configureTls(https, config);
        }
        http.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        http.setReadTimeout(readTimeoutMillis);
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        if (config.avaticaUser() != null && config.avaticaPassword() != null) {
            String token = config.avaticaUser() + ":" + config.avaticaPassword();
            http.setRequestProperty(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        return http;
    }

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
        if (config.hostnameVerification() == HostnameVerification.NONE) {
            https.setHostnameVerifier((host, session) -> true);
        }
    }
}
