package dev.veil.jdbc;

import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.proto.Common;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Decodes result frames in Veil's compact encoding (the server's {@code
 * dev.veil.server.CompactFrames} describes it): the driver asks for it with the request header
 * {@value #HEADER}, and a server that sends it says so with the same header. A compact frame's
 * only row holds one byte string with all of the frame's rows; decoding gives the values that
 * Avatica's own decoding of the same rows would give (a {@code Long} for a long, a
 * {@code BigDecimal} for a decimal, and so on), each row a {@code List}, as Avatica's are.
 */
final class CompactFrames {
    static final String HEADER = "Veil-Frames";
    static final String VERSION = "1";

    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int BYTE = 3;
    private static final int SHORT = 4;
    private static final int INT = 5;
    private static final int LONG = 6;
    private static final int FLOAT = 7;
    private static final int DOUBLE = 8;
    private static final int DECIMAL_LONG = 9;
    private static final int DECIMAL = 10;
    private static final int STRING = 11;
    private static final int BYTES = 12;
    private static final int CHAR = 13;
    private static final int LIST = 14;
    private static final int TYPED = 15;

    private CompactFrames() {}

    /** The answer with its compact frames decoded into Avatica's rows. */
    static Service.Response decode(Service.Response answer) {
        if (answer instanceof Service.FetchResponse fetch && fetch.frame != null) {
            return new Service.FetchResponse(
                    decode(fetch.frame), fetch.missingStatement, fetch.missingResults, fetch.rpcMetadata);
        }
        if (answer instanceof Service.ResultSetResponse result) {
            return decode(result);
        }
        if (answer instanceof Service.ExecuteResponse execute && execute.results != null) {
            List<Service.ResultSetResponse> results = new ArrayList<>(execute.results.size());
            for (Service.ResultSetResponse r : execute.results) {
                results.add(decode(r));
            }
            return new Service.ExecuteResponse(results, execute.missingStatement, execute.rpcMetadata);
        }
        return answer;
    }

    private static Service.ResultSetResponse decode(Service.ResultSetResponse r) {
        if (r.firstFrame == null) {
            return r;
        }
        return new Service.ResultSetResponse(
                r.connectionId,
                r.statementId,
                r.ownStatement,
                r.signature,
                decode(r.firstFrame),
                r.updateCount,
                r.rpcMetadata);
    }

    private static Meta.Frame decode(Meta.Frame frame) {
        java.util.Iterator<Object> rows = frame.rows.iterator();
        Object only = rows.hasNext() ? rows.next() : null;
        if (!(only instanceof List<?> row) || rows.hasNext() || row.size() != 1 || !(row.get(0) instanceof byte[])) {
            throw malformed("a compact frame must have one row of one byte string");
        }
        return new Meta.Frame(frame.offset, frame.done, rows((byte[]) row.get(0)));
    }

    /** The rows encoded in {@code bytes}. */
    static List<Object> rows(byte[] bytes) {
        Reader in = new Reader(bytes);
        int version = in.read();
        if (version != Integer.parseInt(VERSION)) {
            throw malformed("unknown compact frame version " + version);
        }
        int count = in.length();
        List<Object> rows = new ArrayList<>(Math.min(count, bytes.length));
        for (int r = 0; r < count; r++) {
            int columns = in.length();
            Object[] values = new Object[columns];
            for (int c = 0; c < columns; c++) {
                values[c] = value(in, false);
            }
            rows.add(Arrays.asList(values));
        }
        if (in.position != bytes.length) {
            throw malformed((bytes.length - in.position) + " bytes after the last row");
        }
        return rows;
    }

    private static Object value(Reader in, boolean inList) {
        int tag = in.read();
        switch (tag) {
            case NULL:
                return null;
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case BYTE:
                return (byte) in.read();
            case SHORT:
                return (short) in.zigzag();
            case INT:
                return (int) in.zigzag();
            case LONG:
                return in.zigzag();
            case FLOAT:
                return Float.intBitsToFloat((int) in.fixed(4));
            case DOUBLE:
                return Double.longBitsToDouble(in.fixed(8));
            case DECIMAL_LONG: {
                int scale = (int) in.zigzag();
                return BigDecimal.valueOf(in.zigzag(), scale);
            }
            case DECIMAL: {
                int scale = (int) in.zigzag();
                return new BigDecimal(new BigInteger(in.bytes(in.length())), scale);
            }
            case STRING: {
                int length = in.length();
                String s = new String(in.bytes, in.position, in.checked(length), StandardCharsets.UTF_8);
                in.position += length;
                return s;
            }
            case BYTES:
                return in.bytes(in.length());
            case CHAR:
                return (char) in.varint();
            case LIST: {
                int count = in.length();
                List<Object> list = new ArrayList<>(Math.min(count, in.bytes.length));
                for (int i = 0; i < count; i++) {
                    list.add(value(in, true));
                }
                return list;
            }
            case TYPED:
                return typed(in.bytes(in.length()), inList);
            default:
                throw malformed("unknown value tag " + tag);
        }
    }

    /** A value Avatica encoded: decoded as Avatica decodes a column value (or an array's element). */
    private static Object typed(byte[] bytes, boolean inList) {
        Common.TypedValue proto;
        try {
            proto = Common.TypedValue.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw malformed("bad typed value: " + e.getMessage());
        }
        return inList && proto.getType() == Common.Rep.ARRAY ? array(proto) : scalar(proto);
    }

    private static Object scalar(Common.TypedValue proto) {
        if (proto.getType() == Common.Rep.BYTE_STRING) {
            return proto.getBytesValue().toByteArray();
        }
        return TypedValue.fromProto(proto).value;
    }

    private static List<Object> array(Common.TypedValue proto) {
        List<Object> list = new ArrayList<>(proto.getArrayValueCount());
        for (Common.TypedValue element : proto.getArrayValueList()) {
            list.add(element.getType() == Common.Rep.ARRAY ? array(element) : scalar(element));
        }
        return list;
    }

    private static IllegalStateException malformed(String why) {
        return new IllegalStateException("Malformed result rows from the server: " + why);
    }

    /** Reads the encoding, checking every length against what is left. */
    private static final class Reader {
        final byte[] bytes;
        int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        int read() {
            if (position >= bytes.length) {
                throw malformed("truncated");
            }
            return bytes[position++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw malformed("varint too long");
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        /** A count or length: not negative and not beyond the bytes left. */
        int length() {
            long v = varint();
            if (v < 0 || v > bytes.length - position) {
                throw malformed("length " + v + " beyond the " + (bytes.length - position) + " bytes left");
            }
            return (int) v;
        }

        int checked(int length) {
            if (length > bytes.length - position) {
                throw malformed("truncated");
            }
            return length;
        }

        long fixed(int size) {
            checked(size);
            long v = 0;
            for (int i = 0; i < size; i++) {
                v = (v << 8) | (bytes[position++] & 0xFF);
            }
            return v;
        }

        byte[] bytes(int length) {
            checked(length);
            byte[] b = Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return b;
        }
    }
}
