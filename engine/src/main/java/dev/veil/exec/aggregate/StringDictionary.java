package dev.veil.exec.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;

/**
 * Numbers the distinct VARCHAR values of one grouping column by their UTF-8 bytes, so a group
 * key can hold a dense int for a string and strings are built once per distinct value, not per
 * row. Used by one thread.
 */
final class StringDictionary {
    private byte[][] values = new byte[16][];
    private String[] strings = new String[16];
    private int[] hashes = new int[16];
    private int size;
    private long valueBytes;
    /** Open addressing: id + 1, 0 for an empty slot. */
    private int[] slots = new int[64];

    private byte[] scratch = new byte[64];

    int size() {
        return size;
    }

    /** An estimate, on the high side, of the heap the dictionary takes. */
    long bytes() {
        return valueBytes + 64L * size + 20L * values.length + 4L * slots.length + scratch.length;
    }

    /** The id of row {@code i} of a vector (the row is not null), adding the value if new. */
    int id(VarCharVector vector, int i) {
        ArrowBuf offsets = vector.getOffsetBuffer();
        int start = offsets.getInt((long) i * VarCharVector.OFFSET_WIDTH);
        int length = offsets.getInt((long) (i + 1) * VarCharVector.OFFSET_WIDTH) - start;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        vector.getDataBuffer().getBytes(start, scratch, 0, length);
        return id(scratch, length);
    }

    /** The id of the first {@code length} bytes of {@code bytes}, adding the value if new. */
    int id(byte[] bytes, int length) {
        int h = 1;
        for (int k = 0; k < length; k++) {
            h = h * 31 + bytes[k];
        }
        h ^= h >>> 16;
        int mask = slots.length - 1;
        for (int s = h & mask; ; s = (s + 1) & mask) {
            int entry = slots[s];
            if (entry == 0) {
                return add(bytes, length, h, s);
            }
            int id = entry - 1;
            byte[] v = values[id];
            if (hashes[id] == h && Arrays.equals(v, 0, v.length, bytes, 0, length)) {
                return id;
            }
        }
    }

    private int add(byte[] bytes, int length, int hash, int slot) {
        valueBytes += 2L * length;
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            strings = Arrays.copyOf(strings, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        int id = size++;
        values[id] = Arrays.copyOf(bytes, length);
        hashes[id] = hash;
        slots[slot] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int id = 0; id < size; id++) {
            int s = hashes[id] & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = id + 1;
        }
    }

    /** The UTF-8 bytes of an id's value. */
    byte[] bytes(int id) {
        return values[id];
    }

    /** The value of an id as the row code reads it from the vector. */
    String string(int id) {
        String s = strings[id];
        if (s == null) {
            s = new String(values[id], StandardCharsets.UTF_8);
            strings[id] = s;
        }
        return s;
    }
}
