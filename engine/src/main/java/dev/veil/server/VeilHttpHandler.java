package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.session.VeilMeta;
import dev.veil.storage.UploadArea;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's one HTTP handler. Every request must carry HTTP Basic credentials of a warehouse
 * user; without them it gets 401, and nothing else happens. An authenticated request is either
 * an Avatica protobuf request, run by Avatica's {@code LocalService} over {@link VeilMeta} as
 * the authenticated user, a cancel request on {@value #CANCEL_PATH} (Avatica's protocol has
 * no cancel message; Veil's thin driver sends this one), or an upload on {@value #UPLOAD_PATH}.
 *
 * <p>A request may also close statements of its connection whose results were read to the end
 * ({@value #CLOSE_HEADER}), and the request that first executes SQL text on a statement may name
 * that statement itself ({@value #NAMED_STATEMENTS_HEADER}): each spares the driver a request per
 * statement.
 *
 * <p>A connection belongs to the user who opened it; requests from another user on it are refused.
 * Logins are throttled by {@link LoginThrottle} and failed ones audited by {@link ServerAudit}.
 */
final class VeilHttpHandler extends AbstractHandler {
    /** Where the thin driver posts {@code <connectionId> <statementId>} to cancel a running statement. */
    static final String CANCEL_PATH = "/veil/cancel";

    /**
     * Where {@code veil load --url} streams a file (the body; its name in the parameter
     * {@code name}) for a later {@code COPY s.t FROM 'upload:<id>'}; the answer is the id. Admins only.
     */
    static final String UPLOAD_PATH = "/veil/upload";

    private static final int INSUFFICIENT_STORAGE = 507;

    /** The largest upload the server takes. */
    static final long MAX_UPLOAD_BYTES = 64L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(VeilHttpHandler.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final ServerAudit audit;
    private final Service service;
    private final VeilMeta meta;
    private final ConnectionRegistry connections;
    private final ClientWatch clientWatch;
    private final RpcMetadataResponse metadata;
    private final Principals principals;
    private final UploadArea uploads;
    private final ProtobufTranslation translation = new ProtobufTranslationImpl();

    VeilHttpHandler(
            Authenticator authenticator,
            LoginThrottle throttle,
            ServerAudit audit,
            Service service,
            VeilMeta meta,
            ConnectionRegistry connections,
            ClientWatch clientWatch,
            RpcMetadataResponse metadata,
            Principals principals,
            UploadArea uploads) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.service = requireNonNull(service, "service is null");
        this.meta = requireNonNull(meta, "meta is null");
        this.connections = requireNonNull(connections, "connections is null");
        this.clientWatch = requireNonNull(clientWatch, "clientWatch is null");
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.principals = requireNonNull(principals, "principals is null");
        this.uploads = requireNonNull(uploads, "uploads is null");
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        if (!"POST".equals(request.getMethod())) {
            sendText(
                    response,
                    HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "This server expects POST requests from a JDBC driver");
            return;
        }
        Optional<BasicCredentials> credentials = BasicCredentials.parse(request.getHeader("Authorization"));
        if (credentials.isEmpty()) {
            // Clients send credentials only after a challenge, so a request without them is normal.
            challenge(response);
            return;
        }
        BasicCredentials given = credentials.get();
        String address = String.valueOf(request.getRemoteAddr());
        if (throttled(given.user(), address, response)) {
            return;
        }
        Optional<String> user;
        try {
            user = authenticator.authenticate(given);
        } catch (Authenticator.Busy busy) {
            // Not a failed login: the password was not checked, so nothing is counted against the name.
            response.setHeader("Retry-After", "5");
            sendText(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, busy.getMessage());
            return;
        }
        byte[] body = null;
        boolean previousPassword = false;
        if (user.isEmpty()
                && connections.keepsPreviousPassword(given.user())
                && !CANCEL_PATH.equals(target)
                && !UPLOAD_PATH.equals(target)) {
            // The connection that changed its user's password goes on with the password it logged in with.
            body = readBody(request);
            String connectionId = body == null ? null : connectionIdOf(body);
            if (connectionId != null
                    && connections.acceptsPreviousPassword(connectionId, given.user(), authenticator.key(given))) {
                user = Optional.of(given.user());
                previousPassword = true;
            }
        }
        if (user.isEmpty()) {
            loginFailed(given.user(), address, response);
            return;
        }
        throttle.succeeded(given.user());
        if (UPLOAD_PATH.equals(target)) {
            upload(user.get(), request, response);
            return;
        }
        if (body == null) {
            body = readBody(request);
        }
        if (body == null) {
            sendText(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "Request too large");
            return;
        }
        if (CANCEL_PATH.equals(target)) {
            cancel(user.get(), body, response);
            return;
        }
        Service.Request decoded;
        try {
            decoded = translation.parseRequest(body);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Malformed request from {}: {}", request.getRemoteAddr(), e.getMessage());
            send(
                    response,
                    HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    WireErrors.response(
                            new VeilException(
                                    ErrorCode.INVALID_ARGUMENT,
                                    "Malformed request; use Veil's JDBC driver (protobuf serialization)"),
                            metadata),
                    false);
            return;
        }
        Service.Response answer;
        int status = HttpServletResponse.SC_OK;
        try {
            answer = dispatch(
                    user.get(),
                    decoded,
                    request.getHeader(CLOSE_HEADER),
                    baseRequest.getHttpChannel().getEndPoint());
        } catch (Exception | StackOverflowError | LinkageError | AssertionError | OutOfMemoryError e) {
            // Running out of heap is the last resort of the memory limits: the request fails with
            // MEMORY_LIMIT_EXCEEDED, and the server (and the protocol) carry on.
            Service.ErrorResponse error = WireErrors.response(e, metadata);
            if (WireErrors.isUnexpected(e)) {
                audit.requestFailed(user.get(), decoded.getClass().getSimpleName(), error.errorMessage);
            }
            answer = error;
            status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
        if (!previousPassword && runsStatements(decoded) && !authenticator.isCurrent(given)) {
            // This request changed its user's password (ALTER USER CURRENT_USER ...): its connection
            // may go on with the password the client holds; every other login needs the new one.
            connections.keepPreviousPassword(
                    RequestConnections.connectionId(decoded), given.user(), authenticator.key(given));
        }
        send(response, status, answer, CompactFrames.requested(request.getHeader(CompactFrames.HEADER)));
    }

    private static boolean runsStatements(Service.Request request) {
        return request instanceof Service.PrepareAndExecuteRequest
                || request instanceof Service.ExecuteRequest
                || request instanceof Service.PrepareAndExecuteBatchRequest
                || request instanceof Service.ExecuteBatchRequest;
    }

    /** The connection an Avatica request names; null when the body is no such request. */
    private String connectionIdOf(byte[] body) {
        try {
            return RequestConnections.connectionId(translation.parseRequest(body));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the user name or the client address is locked after too many failed logins: then
     * the request is refused at once with 401 and {@code Retry-After}, without a password check
     * and without holding the thread (the first refusal of a lockout is audited).
     */
    private boolean throttled(String name, String address, HttpServletResponse response) throws IOException {
        long wait = throttle.waitNanos(name, address);
        if (wait <= 0) {
            return false;
        }
        long seconds = LoginThrottle.seconds(wait);
        String reason = "Too many failed logins for user '" + ServerAudit.shown(name) + "' or from " + address
                + "; retry after " + seconds + " s";
        if (throttle.firstRefusal(name, address)) {
            audit.refused(name, address, reason);
        }
        // 401 without a challenge: HTTP clients retry a 429 on their own after Retry-After, which
        // would hide the refusal behind a silent wait; this way the client gets the reason at once.
        response.setHeader("Retry-After", Long.toString(seconds));
        sendText(response, HttpServletResponse.SC_UNAUTHORIZED, reason);
        return true;
    }

    /** Counts, logs and audits a failed password check (the user name tried, the address; never the password). */
    private void loginFailed(String name, String address, HttpServletResponse response) throws IOException {
        long next = throttle.failed(name, address);
        LOG.warn("Authentication failed for user '{}' from {}", ServerAudit.shown(name), address);
        audit.failed(
                name,
                address,
                "Wrong password or unknown user"
                        + (next > 0 ? "; further logins delayed " + LoginThrottle.seconds(next) + " s" : ""));
        challenge(response);
    }

    private static void challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"Veil\", charset=\"UTF-8\"");
        sendText(response, HttpServletResponse.SC_UNAUTHORIZED, "Authentication required");
    }

    /**
     * Sends a response, its frames in {@link CompactFrames} when the client asked for them; one
     * that cannot be serialised (a value of a type the protocol cannot carry, a bug) is replaced
     * by an error response, so the client always gets a message it can parse.
     */
    private void send(HttpServletResponse response, int status, Service.Response answer, boolean compactFrames)
            throws IOException {
        byte[] bytes = null;
        try {
            if (compactFrames) {
                bytes = CompactFrames.serialize(translation, answer);
                if (bytes != null) {
                    response.setHeader(CompactFrames.HEADER, CompactFrames.VERSION);
                }
            }
            if (bytes == null) {
                bytes = translation.serializeResponse(answer);
            }
        } catch (IOException
                | RuntimeException
                | StackOverflowError
                | LinkageError
                | AssertionError
                | OutOfMemoryError e) {
            bytes = translation.serializeResponse(WireErrors.response(e, metadata));
            status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
        response.setStatus(status);
        response.setHeader(CLOSE_HEADER, "1");
        response.setHeader(NAMED_STATEMENTS_HEADER, "1");
        response.setContentType("application/octet-stream");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /**
     * Statements of the request's connection to close before it runs, as {@code id,id,...}: the
     * driver sends a statement's close with its connection's next request when its result was read
     * to the end. The server says it takes them with the same header on every answer.
     */
    static final String CLOSE_HEADER = "Veil-Close";
    /** The most statement ids one request may close along. */
    static final int MAX_CLOSES = 256;

    /**
     * The header by which the server says, on every answer, that a client may name a new
     * statement itself (a negative id, see {@code VeilMeta.clientNamed}) in the request that first
     * executes SQL text on it, instead of asking for one with a request of its own.
     */
    static final String NAMED_STATEMENTS_HEADER = "Veil-Named-Statements";

    /**
     * The statement ids of a {@link #CLOSE_HEADER}; INVALID_ARGUMENT if it is not a list of at most
     * {@value #MAX_CLOSES} integers.
     */
    static List<Integer> closes(String header) {
        if (header == null || header.isEmpty()) {
            return List.of();
        }
        String[] parts = header.split(",", MAX_CLOSES + 1);
        if (parts.length > MAX_CLOSES) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, CLOSE_HEADER + " names more than " + MAX_CLOSES + " statements");
        }
        List<Integer> ids = new ArrayList<>(parts.length);
        for (String part : parts) {
            try {
                ids.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new VeilException(ErrorCode.INVALID_ARGUMENT, CLOSE_HEADER + " holds a bad statement id");
            }
        }
        return ids;
    }

    private Service.Response dispatch(String user, Service.Request request, String closing, EndPoint endpoint) {
        List<Integer> closes = closes(closing);
        String connectionId = RequestConnections.connectionId(request);
        if (connectionId == null) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED, "Request " + request.getClass().getSimpleName() + " is not supported");
        }
        if (!connections.enter(connectionId, user)) {
            LOG.warn("User '{}' used connection {} of another user", user, connectionId);
            throw new VeilException(ErrorCode.ACCESS_DENIED, "Connection " + connectionId + " belongs to another user");
        }
        // A client that goes away while its request runs takes the request's statements with it.
        try (RequestUser.Scope ignored = RequestUser.bind(user);
                ClientWatch.Watch watch = clientWatch.watch(endpoint, () -> {
                    LOG.info("The client of connection {} went away; cancelling its statements", connectionId);
                    meta.cancelConnection(connectionId);
                })) {
            for (int id : closes) {
                // Only a statement of this connection closes (closeStatement checks).
                meta.closeStatement(new Meta.StatementHandle(connectionId, id, null));
            }
            return RequestDispatch.dispatch(service, request);
        } finally {
            connections.exit(connectionId);
            if (request instanceof Service.CloseConnectionRequest) {
                connections.remove(connectionId);
            }
        }
    }

    private void cancel(String user, byte[] body, HttpServletResponse response) throws IOException {
        String[] parts = new String(body, StandardCharsets.UTF_8).trim().split("\\s+");
        int statementId;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            statementId = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            sendText(response, HttpServletResponse.SC_BAD_REQUEST, "Expected '<connectionId> <statementId>'");
            return;
        }
        String connectionId = parts[0];
        if (connections.owns(connectionId, user) && meta.cancel(connectionId, statementId)) {
            LOG.debug("User '{}' cancelled statement {} of connection {}", user, statementId, connectionId);
            sendText(response, HttpServletResponse.SC_OK, "Cancelled");
        } else {
            sendText(response, HttpServletResponse.SC_NOT_FOUND, "No such statement");
        }
    }

    /**
     * Streams an upload to the warehouse's upload folder (never into memory) and answers its id.
     * Only admins load files, so only admins upload; a failed upload leaves no file.
     */
    private void upload(String user, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!principals.isAdmin(user)) {
            sendText(response, HttpServletResponse.SC_FORBIDDEN, "Only admins upload files to load");
            return;
        }
        String name = request.getParameter("name");
        try (InputStream in = request.getInputStream()) {
            String id = uploads.receive(user, name == null ? "" : name, in, MAX_UPLOAD_BYTES);
            LOG.info("User '{}' uploaded {} as upload {}", user, ServerAudit.shown(String.valueOf(name)), id);
            sendText(response, HttpServletResponse.SC_OK, id);
        } catch (VeilException e) {
            sendText(
                    response,
                    e.errorCode() == ErrorCode.INVALID_ARGUMENT
                            ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE
                            : INSUFFICIENT_STORAGE,
                    e.getMessage());
        }
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
            return bytes.length > MAX_REQUEST_BYTES ? null : bytes;
        }
    }

    private static void sendText(HttpServletResponse response, int status, String text) throws IOException {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
