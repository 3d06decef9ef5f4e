package dev.veil.server;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** A user name and password from an HTTP {@code Authorization: Basic ...} header. */
record BasicCredentials(String user, String password) {
    BasicCredentials {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
    }

    /** The credentials in {@code header}; empty when it is absent, not Basic, malformed, or has an empty part. */
    static Optional<BasicCredentials> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        if (value.length() < 6
                || !value.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon == decoded.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]";
    }
}
