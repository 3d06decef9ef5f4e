package dev.veil.exec.scan;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reuses the value objects a scan column produced for recently read values, so a column with few
 * distinct values (flags, dates, small decimals such as discounts) does not allocate a new
 * {@code String} or {@code BigDecimal} per row. The objects are immutable, so sharing them is
 * invisible to the rest of the plan; a repeated {@code String} also keeps its cached hash code,
 * which speeds up grouping and joining on it. One cache belongs to one column of one scan and is
 * used by one thread. Each cache is a small direct-mapped table: a miss costs one comparison
 * and replaces the slot.
 */
final class ValueCache {
    private static final int SLOTS = 1024;
    /** Longer strings are rarely repeated (comments, names); they skip the cache. */
    private static final int MAX_CACHED_BYTES = 24;

    private final long[] keys = new long[SLOTS];
    private final Object[] values = new Object[SLOTS];
    private byte[][] bytes;
    private byte[] scratch;

    /** The BigDecimal of an unscaled long at {@code scale}, shared with earlier reads of it. */
    BigDecimal decimal(long unscaled, int scale) {
        int slot = slot(unscaled);
        Object cached = values[slot];
        if (cached != null && keys[slot] == unscaled) {
            return (BigDecimal) cached;
        }
        BigDecimal value = BigDecimal.valueOf(unscaled, scale);
        keys[slot] = unscaled;
        values[slot] = value;
        return value;
    }

    /** The Integer of an int value, shared with earlier reads of it. */
    Integer integer(int v) {
        int slot = slot(v);
        Object cached = values[slot];
        if (cached != null && keys[slot] == v) {
            return (Integer) cached;
        }
        Integer value = v;
        keys[slot] = v;
        values[slot] = value;
        return value;
    }

    /** The String of row {@code i} of a (non-null) VARCHAR value, shared with earlier equal reads. */
    String string(VarCharVector vector, int i) {
        ArrowBuf offsets = vector.getOffsetBuffer();
        int start = offsets.getInt((long) i * VarCharVector.OFFSET_WIDTH);
        int length = offsets.getInt((long) (i + 1) * VarCharVector.OFFSET_WIDTH) - start;
        if (length > MAX_CACHED_BYTES) {
            byte[] b = new byte[length];
            vector.getDataBuffer().getBytes(start, b, 0, length);
            return new String(b, StandardCharsets.UTF_8);
        }
        if (scratch == null) {
            scratch = new byte[MAX_CACHED_BYTES];
            bytes = new byte[SLOTS][];
        }
        vector.getDataBuffer().getBytes(start, scratch, 0, length);
        long h = length;
        for (int k = 0; k < length; k++) {
            h = h * 31 + scratch[k];
        }
        int slot = slot(h);
        byte[] cachedBytes = bytes[slot];
        if (cachedBytes != null && Arrays.equals(cachedBytes, 0, cachedBytes.length, scratch, 0, length)) {
            return (String) values[slot];
        }
        byte[] copy = Arrays.copyOf(scratch, length);
        String value = new String(copy, StandardCharsets.UTF_8);
        bytes[slot] = copy;
        values[slot] = value;
        return value;
    }

    private static int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 54); // the top 10 bits: SLOTS = 1024
    }
}
