package dev.veil.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.calcite.avatica.proto.Common.WireMessage;

/**
 * Translates the message type names of Avatica's protobuf wire format between the server and this
 * (relocated) driver. Every message travels inside a {@code WireMessage} that names its Java class,
 * e.g. {@code org.apache.calcite.avatica.proto.Requests$OpenConnectionRequest}; inside the shaded
 * jar those classes live under {@code dev.veil.jdbc.shaded.}, so names are mapped on the way out
 * and back. When the driver runs unshaded (its own tests), nothing needs mapping.
 */
final class WireNames {
    /** Where the build relocates the driver's dependencies. */
    static final String SHADE_PREFIX = "dev.veil.jdbc.shaded.";

    /** The package prefix of Avatica's classes in this jar, computed so the build's relocation cannot rewrite it. */
    private static final String LOCAL = avaticaPackage();

    private static final String REMOTE =
            LOCAL.startsWith(SHADE_PREFIX) ? LOCAL.substring(SHADE_PREFIX.length()) : LOCAL;

    private WireNames() {}

    private static String avaticaPackage() {
        String name = WireMessage.class.getName();
        return name.substring(0, name.indexOf("proto.Common"));
    }

    static boolean relocated() {
        return !LOCAL.equals(REMOTE);
    }

    /** A request as the server names its types. */
    static byte[] toServer(byte[] message) {
        return rename(message, LOCAL, REMOTE);
    }

    /** A response as this driver names its types. */
    static byte[] fromServer(byte[] message) {
        return rename(message, REMOTE, LOCAL);
    }

    private static byte[] rename(byte[] message, String from, String to) {
        if (from.equals(to)) {
            return message;
        }
        WireMessage wire;
        try {
            wire = WireMessage.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            // Not a wire message (e.g. an HTML error page from a proxy): leave it for Avatica to report.
            return message;
        }
        String name = wire.getName();
        if (!name.startsWith(from)) {
            return message;
        }
        return wire.toBuilder()
                .setName(to + name.substring(from.length()))
                .build()
                .toByteArray();
    }
}
