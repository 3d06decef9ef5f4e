package dev.veil.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's protobuf service over the driver's {@link VeilHttpClient}, asking the server for
 * result rows in {@link CompactFrames} and decoding them when it sends them. Made for each
 * connection by its {@link Factory} (Avatica's {@code factory} connection property).
 */
final class VeilService extends RemoteProtobufService {
    private final VeilHttpClient client;
    private final ProtobufTranslation translation;

    VeilService(VeilHttpClient client, ProtobufTranslation translation) {
        super(client, translation);
        this.client = requireNonNull(client, "client is null");
        this.translation = requireNonNull(translation, "translation is null");
    }

    /** Makes a connection's service, with the HTTP client Avatica's configuration describes. */
    public static final class Factory implements Service.Factory {
        public Factory() {}

        @Override
        public Service create(AvaticaConnection connection) {
            ConnectionConfig config = connection.config();
            URL url;
            try {
                url = new URI(config.url()).toURL();
            } catch (URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid server address " + config.url(), e);
            }
            AvaticaHttpClient http = config.httpClientFactory().getClient(url, config, null);
            if (!(http instanceof VeilHttpClient veil)) {
                throw new IllegalStateException(
                        "Expected Veil's HTTP client, got " + http.getClass().getName());
            }
            return new VeilService(veil, new ProtobufTranslationImpl());
        }
    }

    @Override
    public Response _apply(Request request) {
        VeilHttpClient.Reply reply;
        try {
            reply = client.exchange(translation.serializeRequest(request), true);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        Response response;
        try {
            response = translation.parseResponse(reply.bytes());
        } catch (IOException e) {
            throw new RuntimeException(
                    "Cannot read the server's answer: " + AvaticaUtils.newStringUtf8(reply.bytes()), e);
        }
        if (response instanceof ErrorResponse error) {
            throw error.toException();
        }
        return reply.compactFrames() ? CompactFrames.decode(response) : response;
    }
}
