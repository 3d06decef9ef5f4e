package dev.veil.jdbc;

import java.io.IOException;
import java.net.URL;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.apache.calcite.avatica.remote.AvaticaCommonsHttpClientImpl;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Avatica's HTTP client with Veil's error reporting: a refused login becomes Veil's
 * AUTHENTICATION_FAILED error (SQLSTATE 28P01) instead of a bare "HTTP/401" (also when the server
 * refuses logins for a while after too many failures: 401 with Retry-After), and an unreachable
 * server a connection error (SQLSTATE 08001) that names the address. Message type names are
 * translated for the relocated classes of the shaded jar ({@link WireNames}).
 *
 * <p>One connection sends one request at a time: threads that share a JDBC connection take
 * turns, as on a driver with one socket. Avatica's client keeps one HTTP context per connection
 * (its authentication state and the cached Basic scheme, whose encoder is not thread-safe), so
 * two requests at once could corrupt each other's authorization header. A statement's cancel
 * does not wait for this turn: {@link CancelRequest} uses its own HTTP connection.
 *
 * <p>Closing a statement whose result was read to the end (or that has none) costs no request of
 * its own once the server has said it takes closes along ({@value #CLOSE_HEADER}): its id goes
 * with the connection's next request, in that header, and the server closes it first. Creating a
 * statement costs none either once the server has said it takes statements the client names
 * ({@value #NAMED_STATEMENTS_HEADER}; see {@link VeilConnection#createStatement(int, int, int)}).
 */
public final class VeilHttpClient extends AvaticaCommonsHttpClientImpl {
    private static final int MAX_ATTEMPTS = 3;
    /** The header that carries statement ids to close, and by which a server says it takes them. */
    static final String CLOSE_HEADER = "Veil-Close";
    /** The most ids one request carries. */
    static final int MAX_CLOSES = 256;
    /** The header by which a server says that clients may name new statements themselves. */
    static final String NAMED_STATEMENTS_HEADER = "Veil-Named-Statements";

    /** Statements to close with the next request; guarded by this. */
    private final java.util.List<Integer> closes = new java.util.ArrayList<>();
    /** Whether the server closes statements named in {@link #CLOSE_HEADER}; guarded by this. */
    private boolean serverTakesCloses;
    /** Whether the server said {@link #NAMED_STATEMENTS_HEADER} in its last answer. */
    private volatile boolean serverTakesNamedStatements;

    public VeilHttpClient(URL url) {
        super(toUri(url));
    }

    private static java.net.URI toUri(URL url) {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Invalid server address " + url, e);
        }
    }

    /**
     * Whether the server takes statements the client names itself (a negative id) in the request
     * that first executes SQL text on them ({@value #NAMED_STATEMENTS_HEADER} in its last answer).
     */
    boolean serverTakesNamedStatements() {
        return serverTakesNamedStatements;
    }

    /** An answer of the server: its bytes, and whether its frames are in {@link CompactFrames}. */
    record Reply(byte[] bytes, boolean compactFrames) {}

    @Override
    public byte[] send(byte[] message) {
        return exchange(message, false).bytes();
    }

    /**
     * Closes statement {@code id} with the next request if the server takes closes along; returns
     * false (the caller closes it with a request of its own) if it does not, or too many wait.
     */
    synchronized boolean closeLater(int id) {
        if (!serverTakesCloses || closes.size() >= MAX_CLOSES) {
            return false;
        }
        closes.add(id);
        return true;
    }

    /**
     * Sends a request and returns the answer; with {@code compactFrames} the server is asked to
     * send result rows in {@link CompactFrames} (a server that does not know them sends Avatica's
     * encoding, and the reply says which it is). Statements waiting to be closed go with it.
     */
    synchronized Reply exchange(byte[] message, boolean compactFrames) {
        byte[] request = WireNames.toServer(message);
        String closing = null;
        if (!closes.isEmpty()) {
            StringBuilder ids = new StringBuilder();
            for (int id : closes) {
                ids.append(ids.length() == 0 ? "" : ",").append(id);
            }
            closing = ids.toString();
            // Sent once: if this request fails, the server closes them with the connection.
            closes.clear();
        }
        for (int attempt = 1; ; attempt++) {
            HttpPost post = new HttpPost(uri);
            post.setEntity(new ByteArrayEntity(request, ContentType.APPLICATION_OCTET_STREAM));
            if (compactFrames) {
                post.setHeader(CompactFrames.HEADER, CompactFrames.VERSION);
            }
            if (closing != null) {
                post.setHeader(CLOSE_HEADER, closing);
            }
            if (httpHost == null) {
                try {
                    httpHost = RoutingSupport.determineHost(post);
                } catch (HttpException e) {
                    throw Errors.client("Invalid server address " + uri, 0, Errors.CONNECTION_FAILED_STATE);
                }
            }
            try (ClassicHttpResponse response = client.executeOpen(httpHost, post, context)) {
                int status = response.getCode();
                if (status == 200 || status == 500) {
                    userToken = context.getUserToken();
                    org.apache.hc.core5.http.Header frames = response.getFirstHeader(CompactFrames.HEADER);
                    boolean compact =
                            compactFrames && frames != null && CompactFrames.VERSION.equals(frames.getValue());
                    org.apache.hc.core5.http.Header takesCloses = response.getFirstHeader(CLOSE_HEADER);
                    serverTakesCloses = takesCloses != null && "1".equals(takesCloses.getValue());
                    org.apache.hc.core5.http.Header named = response.getFirstHeader(NAMED_STATEMENTS_HEADER);
                    serverTakesNamedStatements = named != null && "1".equals(named.getValue());
                    return new Reply(WireNames.fromServer(EntityUtils.toByteArray(response.getEntity())), compact);
                }
                EntityUtils.consume(response.getEntity());
                if (status == 503 && attempt < MAX_ATTEMPTS) {
                    continue;
                }
                if (status == 401) {
                    org.apache.hc.core5.http.Header retry = response.getFirstHeader("Retry-After");
                    String user = credentials == null ? null : credentials.getUserName();
                    throw retry == null
                            ? Errors.authenticationFailed(user)
                            : Errors.loginThrottled(user, retry.getValue());
                }
                throw Errors.client(
                        "The server at " + uri + " answered HTTP " + status + "; is it a Veil server?",
                        0,
                        Errors.CONNECTION_FAILED_STATE);
            } catch (NoHttpResponseException e) {
                // A pooled connection the server had closed; Avatica's client retries too.
                if (attempt < MAX_ATTEMPTS) {
                    continue;
                }
                throw Errors.client(
                        "The Veil server at " + uri + " closed the connection without answering",
                        0,
                        Errors.CONNECTION_FAILED_STATE);
            } catch (UnknownHostException e) {
                throw Errors.client("Unknown host " + httpHost.getHostName(), 0, Errors.CONNECTION_FAILED_STATE);
            } catch (SSLException e) {
                throw Errors.client(
                        "TLS connection to " + uri + " failed: " + e.getMessage()
                                + " (check ssl=true, the truststore, and the server's certificate)",
                        0,
                        Errors.CONNECTION_FAILED_STATE);
            } catch (ClientProtocolException e) {
                throw Errors.client(
                        "HTTP protocol error talking to " + uri + ": " + e.getMessage(),
                        0,
                        Errors.CONNECTION_FAILED_STATE);
            } catch (IOException e) {
                throw Errors.client(
                        "Cannot reach the Veil server at " + uri + ": " + e.getMessage(),
                        0,
                        Errors.CONNECTION_FAILED_STATE);
            }
        }
    }
}
