package dev.veil.server;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.proto.Responses;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Result rows in Veil's compact frame encoding, for clients that ask for it with the request
 * header {@value #HEADER} (Veil's thin driver does); the answer then carries the same header.
 *
 * <p>Avatica's protobuf encoding sends every value of a frame as two nested messages, twice (a
 * {@code scalar_value} and the deprecated {@code value} list), and builds a tree of protobuf
 * objects per value on each side: for a result of a few thousand rows that costs far more than
 * running the query. Here the rows of a frame travel as one {@code BYTE_STRING} value, the only
 * row of the frame, that holds them all; everything else in the answer (signature, offsets, the
 * done flag, statement ids) is Avatica's message as it was. The thin driver's
 * {@code CompactFrames} decodes it into exactly the values Avatica's decoding would give.
 *
 * <p>The encoding, version {@value #VERSION}: {@code version:byte rowCount:varint} then per row
 * {@code columnCount:varint} and one tagged value per column. Tags: 0 null; 1 false; 2 true; 3 a
 * byte; 4 short, 5 int, 6 long (zigzag varints); 7 float, 8 double (IEEE bits, big-endian); 9 a
 * decimal whose unscaled value fits a long ({@code scale unscaled}, zigzag varints); 10 another
 * decimal ({@code scale length bytes}, two's complement); 11 a string ({@code length} UTF-8
 * bytes); 12 bytes ({@code length bytes}); 13 a char (varint); 14 a list ({@code count} values);
 * 15 any other value as Avatica's own {@code TypedValue} message ({@code length bytes}).
 */
final class CompactFrames {
    /** The header by which a client asks for compact frames and the server says it sends them. */
    static final String HEADER = "Veil-Frames";
    /** The version of the encoding, the header's value. */
    static final String VERSION = "1";

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int INT = 5;
    static final int LONG = 6;
    static final int FLOAT = 7;
    static final int DOUBLE = 8;
    static final int DECIMAL_LONG = 9;
    static final int DECIMAL = 10;
    static final int STRING = 11;
    static final int BYTES = 12;
    static final int CHAR = 13;
    static final int LIST = 14;
    static final int TYPED = 15;

    private CompactFrames() {}

    /** Whether a request asks for compact frames. */
    static boolean requested(String header) {
        return VERSION.equals(header);
    }

    /**
     * The serialized answer with its frames in the compact encoding, or null when it has no
     * frame (then it is sent as Avatica serializes it).
     */
    static byte[] serialize(ProtobufTranslation translation, Service.Response answer) throws IOException {
        requireNonNull(translation, "translation is null");
        requireNonNull(answer, "answer is null");
        if (answer instanceof Service.FetchResponse fetch && fetch.frame != null) {
            Service.FetchResponse stripped = new Service.FetchResponse(
                    strip(fetch.frame), fetch.missingStatement, fetch.missingResults, fetch.rpcMetadata);
            return patch(translation.serializeResponse(stripped), wrapped -> {
                Responses.FetchResponse.Builder builder = Responses.FetchResponse.parseFrom(wrapped).toBuilder();
                builder.getFrameBuilder().addRows(row(fetch.frame));
                return builder.build();
            });
        }
        if (answer instanceof Service.ResultSetResponse result && result.firstFrame != null) {
            return patch(translation.serializeResponse(strip(result)), wrapped -> {
                Responses.ResultSetResponse.Builder builder =
                        Responses.ResultSetResponse.parseFrom(wrapped).toBuilder();
                builder.getFirstFrameBuilder().addRows(row(result.firstFrame));
                return builder.build();
            });
        }
        if (answer instanceof Service.ExecuteResponse execute
                && execute.results != null
                && execute.results.stream().anyMatch(r -> r.firstFrame != null)) {
            List<Service.ResultSetResponse> stripped = new ArrayList<>();
            for (Service.ResultSetResponse r : execute.results) {
                stripped.add(strip(r));
            }
            return patch(
                    translation.serializeResponse(
                            new Service.ExecuteResponse(stripped, execute.missingStatement, execute.rpcMetadata)),
                    wrapped -> {
                        Responses.ExecuteResponse.Builder builder =
                                Responses.ExecuteResponse.parseFrom(wrapped).toBuilder();
                        for (int i = 0; i < execute.results.size(); i++) {
                            Meta.Frame frame = execute.results.get(i).firstFrame;
                            if (frame != null) {
                                builder.getResultsBuilder(i)
                                        .getFirstFrameBuilder()
                                        .addRows(row(frame));
                            }
                        }
                        return builder.build();
                    });
        }
        return null;
    }

    /** Rebuilds a wrapped message. */
    @FunctionalInterface
    private interface Patch {
        Message apply(com.google.protobuf.ByteString wrapped) throws IOException;
    }

    private static byte[] patch(byte[] serialized, Patch patch) throws IOException {
        Common.WireMessage wire;
        try {
            wire = Common.WireMessage.parseFrom(serialized);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("Cannot re-read a serialized answer: " + e.getMessage(), e);
        }
        Message patched = patch.apply(wire.getWrappedMessage());
        return wire.toBuilder()
                .setWrappedMessage(patched.toByteString())
                .build()
                .toByteArray();
    }

    private static Meta.Frame strip(Meta.Frame frame) {
        return new Meta.Frame(frame.offset, frame.done, List.of());
    }

    private static Service.ResultSetResponse strip(Service.ResultSetResponse r) {
        if (r.firstFrame == null) {
            return r;
        }
        return new Service.ResultSetResponse(
                r.connectionId,
                r.statementId,
                r.ownStatement,
                r.signature,
                strip(r.firstFrame),
                r.updateCount,
                r.rpcMetadata);
    }

    /** The one row of a compact frame: a new-style column whose scalar holds every row. */
    private static Common.Row row(Meta.Frame frame) {
        byte[] rows = encode(frame.rows);
        return Common.Row.newBuilder()
                .addValue(Common.ColumnValue.newBuilder()
                        .setScalarValue(Common.TypedValue.newBuilder()
                                .setType(Common.Rep.BYTE_STRING)
                                .setBytesValue(UnsafeByteOperations.unsafeWrap(rows))))
                .build();
    }

    /** The rows (each an {@code Object[]} or an {@code Iterable}; null rows are left out, as Avatica does). */
    static byte[] encode(Iterable<Object> rows) {
        Writer out = new Writer();
        out.write(Integer.parseInt(VERSION));
        int count = 0;
        for (Object row : rows) {
            if (row != null) {
                count++;
            }
        }
        out.varint(count);
        for (Object row : rows) {
            if (row == null) {
                continue;
            }
            List<?> values;
            if (row instanceof Object[] array) {
                values = Arrays.asList(array);
            } else if (row instanceof List<?> list) {
                values = list;
            } else if (row instanceof Iterable<?> iterable) {
                List<Object> copy = new ArrayList<>();
                iterable.forEach(copy::add);
                values = copy;
            } else {
                throw new IllegalArgumentException("Only arrays are supported as rows, not " + row.getClass());
            }
            out.varint(values.size());
            for (Object value : values) {
                value(out, value);
            }
        }
        return out.toByteArray();
    }

    private static void value(Writer out, Object value) {
        if (value == null) {
            out.write(NULL);
        } else if (value instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.write(STRING);
            out.varint(bytes.length);
            out.write(bytes);
        } else if (value instanceof Long l) {
            out.write(LONG);
            out.zigzag(l);
        } else if (value instanceof Integer i) {
            out.write(INT);
            out.zigzag(i);
        } else if (value instanceof BigDecimal d) {
            BigInteger unscaled = d.unscaledValue();
            if (unscaled.bitLength() < 64) {
                out.write(DECIMAL_LONG);
                out.zigzag(d.scale());
                out.zigzag(unscaled.longValue());
            } else {
                byte[] bytes = unscaled.toByteArray();
                out.write(DECIMAL);
                out.zigzag(d.scale());
                out.varint(bytes.length);
                out.write(bytes);
            }
        } else if (value instanceof Double d) {
            out.write(DOUBLE);
            out.fixed64(Double.doubleToRawLongBits(d));
        } else if (value instanceof Boolean b) {
            out.write(b ? TRUE : FALSE);
        } else if (value instanceof Short s) {
            out.write(SHORT);
            out.zigzag(s);
        } else if (value instanceof Byte b) {
            out.write(BYTE);
            out.write(b);
        } else if (value instanceof Float f) {
            out.write(FLOAT);
            out.fixed32(Float.floatToRawIntBits(f));
        } else if (value instanceof byte[] bytes) {
            out.write(BYTES);
            out.varint(bytes.length);
            out.write(bytes);
        } else if (value instanceof Character c) {
            out.write(CHAR);
            out.varint(c);
        } else if (value instanceof List<?> list) {
            out.write(LIST);
            out.varint(list.size());
            for (Object element : list) {
                value(out, element);
            }
        } else {
            // Timestamps, dates, arrays, ...: as Avatica encodes them (it fails on what it cannot).
            Common.TypedValue.Builder typed = Common.TypedValue.newBuilder();
            TypedValue.toProto(typed, value);
            byte[] bytes = typed.build().toByteArray();
            out.write(TYPED);
            out.varint(bytes.length);
            out.write(bytes);
        }
    }

    /** A growing byte array, unsynchronized. */
    private static final class Writer {
        private byte[] bytes = new byte[1024];
        private int size;

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        void write(int b) {
            ensure(1);
            bytes[size++] = (byte) b;
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            bytes[size++] = (byte) v;
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void fixed32(int v) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (v >>> shift);
            }
        }

        void fixed64(long v) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (v >>> shift);
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }
}
