package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.RemoteKind;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.ConsentSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.apache.calcite.DataContext;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlWriter;

/**
 * A consent condition ({@link ConsentCall}) run by the remote database: the row's key is tested
 * against the keys that consent, computed in Veil from its consent source at the statement time
 * (the same {@code ConsentKeys} the condition would test in Veil, so the remote keeps exactly the
 * rows Veil would) and bound as one statement parameter when the statement runs:
 *
 * <ul>
 *   <li>PostgreSQL: {@code key = ANY(?)}, the parameter a {@code bigint[]} or {@code text[]}
 *       (PostgreSQL hashes a large array parameter); at most {@value #POSTGRES_MAX_KEYS} keys.
 *   <li>Trino: {@code key IN (SELECT u FROM UNNEST(CAST(json_parse(?) AS ARRAY(BIGINT))))}, a
 *       semi-join with the keys sent as one JSON text (Trino 476's JDBC driver has no array
 *       parameters: {@code setArray} and {@code createArrayOf} are not supported, and every
 *       parameter is written into the statement's text as a literal, which Trino's {@code
 *       query.max-length} limits to 1,000,000 characters by default); at most {@value
 *       #TRINO_MAX_CHARS} characters of JSON, about 100,000 keys of six digits.
 * </ul>
 *
 * <p>A key of NULL matches no key (PostgreSQL's {@code = ANY} and Trino's {@code IN} are then NULL,
 * which a filter drops), and an empty set matches no row. Only a condition whose key is the unit
 * itself (no lookup steps along tables Veil stores) and whose key is integral or text is pushed;
 * any other stays in Veil ({@link RemoteExpressions}). So does a condition whose consent source
 * has more rows than the remote's limit allows keys ({@link #fits}: the plan decides from the
 * source's size, never from how many units consent, so that one person's consent cannot decide
 * whether a statement fails). A set that is still too large when the statement runs (the source
 * grew between planning and running) fails the statement with {@code
 * CONSENT_TOO_LARGE_FOR_REMOTE} before the remote runs it.
 */
final class RemoteConsentCall extends RemoteParameterCall {
    /** Most keys sent to PostgreSQL in one parameter. */
    static final int POSTGRES_MAX_KEYS = 4_194_304;

    /** Most characters of the keys' JSON text sent to Trino. */
    static final int TRINO_MAX_CHARS = 900_000;

    private final ConsentSpec spec;
    private final boolean text;

    private RemoteConsentCall(ConsentSpec spec, RemoteKind kind, boolean text) {
        super("REMOTE_" + spec.describe(), kind);
        this.spec = spec;
        this.text = text;
    }

    /** The remote form of {@code consent} on a key of {@code keyType}, or null when it stays in Veil. */
    static RemoteConsentCall of(ConsentCall consent, RelDataType keyType, RemoteKind kind) {
        requireNonNull(consent, "consent is null");
        ConsentSpec spec = consent.spec();
        if (!spec.hops().isEmpty()) {
            return null;
        }
        boolean text;
        switch (keyType.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> text = false;
            case VARCHAR -> text = true;
            default -> {
                return null;
            }
        }
        return fits(spec.source().version().rowCount(), text, keyType.getPrecision(), kind)
                ? new RemoteConsentCall(spec, kind, text)
                : null;
    }

    /**
     * Whether the consenting keys always fit in one statement for {@code kind}: at most one key per
     * row of the consent source, which has {@code sourceRows} rows in the version the plan reads,
     * each of at most {@code textLength} characters when {@code text} (unknown when negative). The
     * choice is made from the consent source's size, which bounds the set whatever any person's
     * consent is, so that no single consent decides whether a statement fails: a set too large at
     * run time could otherwise fail the statement exactly when one more unit consented.
     */
    static boolean fits(long sourceRows, boolean text, int textLength, RemoteKind kind) {
        return switch (kind) {
            case POSTGRESQL -> sourceRows <= POSTGRES_MAX_KEYS;
            case TRINO -> {
                // A BIGINT is at most 20 characters; a text of n characters at most 6n (a JSON escape) and
                // its quotes; each key one separator.
                long perKey = text ? (textLength < 0 ? -1 : 6L * textLength + 3) : 21;
                yield perKey > 0 && sourceRows <= (TRINO_MAX_CHARS - 2) / perKey;
            }
        };
    }

    @Override
    void write(SqlWriter writer, SqlCall call) {
        call.operand(0).unparse(writer, 0, 0);
        switch (kind()) {
            case POSTGRESQL -> {
                writer.print("= ANY(");
                parameter(writer);
                writer.print(")");
            }
            case TRINO -> {
                writer.print("IN (SELECT \"veil_u\" FROM UNNEST(CAST(json_parse(");
                parameter(writer);
                writer.print(") AS ARRAY(" + (text ? "VARCHAR" : "BIGINT") + "))) AS \"veil_consent\" (\"veil_u\"))");
            }
        }
    }

    @Override
    String describeParameter() {
        return "the keys consenting under " + spec.describe() + " at the statement time";
    }

    @Override
    void bind(Connection connection, PreparedStatement statement, int index, DataContext root) throws SQLException {
        Object listed = ConsentCall.keys(root, spec).list();
        if (listed instanceof String[] strings && strings.length == 0 && !text) {
            listed = new long[0];
        } else if (listed instanceof long[] longs && longs.length == 0 && text) {
            listed = new String[0];
        }
        if (!(text ? listed instanceof String[] : listed instanceof long[])) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "The keys of " + spec.describe() + " cannot be listed");
        }
        int count = text ? ((String[]) listed).length : ((long[]) listed).length;
        switch (kind()) {
            case POSTGRESQL -> {
                if (count > POSTGRES_MAX_KEYS) {
                    throw tooLarge(POSTGRES_MAX_KEYS + " units");
                }
                Object[] values = text
                        ? (Object[]) listed
                        : Arrays.stream((long[]) listed).boxed().toArray(Long[]::new);
                statement.setArray(index, connection.createArrayOf(text ? "text" : "bigint", values));
            }
            case TRINO -> {
                String json = text ? json((String[]) listed) : json((long[]) listed);
                if (json == null) {
                    throw tooLarge(TRINO_MAX_CHARS + " characters of units");
                }
                statement.setString(index, json);
            }
        }
    }

    private VeilException tooLarge(String limit) {
        return new VeilException(
                ErrorCode.CONSENT_TOO_LARGE_FOR_REMOTE,
                "The units that consent under " + spec.describe() + " are more than the remote database takes in"
                        + " one statement (at most " + limit + "); ask an admin to keep such tables in Veil");
    }

    /** The keys as a JSON array, or null beyond {@link #TRINO_MAX_CHARS}. */
    static String json(long[] keys) {
        StringBuilder json = new StringBuilder(Math.min(TRINO_MAX_CHARS, keys.length * 8 + 2)).append('[');
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(keys[i]);
            if (json.length() > TRINO_MAX_CHARS) {
                return null;
            }
        }
        return json.append(']').toString();
    }

    static String json(String[] keys) {
        StringBuilder json = new StringBuilder().append('[');
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"');
            for (char c : keys[i].toCharArray()) {
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
            if (json.length() > TRINO_MAX_CHARS) {
                return null;
            }
        }
        return json.append(']').toString();
    }
}
