package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import dev.veil.exec.scan.Validity;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * The groups of a vectorized aggregation: a hash table from the raw values of the grouping
 * columns to dense group ids, numbered in order of first occurrence. A key is one long per
 * column (the value itself, a DECIMAL's unscaled value, a double's bits, a short string's
 * bytes or a longer one's {@link StringDictionary} id) plus one word of null flags, so no row object is built. With no
 * grouping column there is exactly one group, 0. Used by one thread.
 */
final class GroupTable {
    private final int[] columns;
    private final ColumnType[] types;
    private final StringDictionary[] dictionaries;
    private final int width;
    private long[] keys;
    private int[] hashes;
    private int groups;
    /** Open addressing: group id + 1, 0 for an empty slot. */
    private int[] slots = new int[1024];
    /** The groups {@link #slots} holds: groups {@code [0, indexed)}; later ones are added before a lookup. */
    private int indexed;

    /**
     * With one grouping column that is not VARCHAR (whose codes are this table's dictionary ids):
     * the least and greatest code of a non-null key, and whether NULL is a key. A key outside the
     * range is new without a lookup, and is not put in the slots until a key inside the range is
     * looked up: rows stored in key order (TPC-H's line items by order key) add their groups
     * without hashing into the slots at all. Two tables whose ranges do not overlap share no key,
     * so a merge appends the other's groups in one copy.
     */
    private final boolean ranged;

    private long least = Long.MAX_VALUE;
    private long greatest = Long.MIN_VALUE;
    private boolean nullKey;
    /**
     * Whether each group's key (one column, never NULL) is greater than the one before: then a key
     * inside the range is found by binary search, without the slots (the order key shared by the
     * last rows of one partial and the first of the next).
     */
    private boolean ascending = true;

    private long[][] codes = new long[0][];
    private long[] masks = new long[0];
    private final long[] tuple;

    /** Groups by the given table columns (at most 63) of the given types. */
    GroupTable(int[] columns, ColumnType[] types) {
        this.columns = requireNonNull(columns, "columns is null").clone();
        this.types = requireNonNull(types, "types is null").clone();
        if (columns.length != types.length || columns.length > 63) {
            throw new IllegalArgumentException("bad grouping columns");
        }
        this.dictionaries = new StringDictionary[columns.length];
        for (int k = 0; k < columns.length; k++) {
            if (!supports(types[k])) {
                throw new IllegalArgumentException("cannot group by " + types[k]);
            }
            if (types[k].type() == VeilType.VARCHAR) {
                dictionaries[k] = new StringDictionary();
            }
        }
        this.ranged = columns.length == 1 && types[0].type() != VeilType.VARCHAR;
        this.width = columns.length + 1;
        this.keys = new long[width * 64];
        this.hashes = new int[64];
        this.tuple = new long[width];
        if (columns.length == 0) {
            groups = 1;
        }
    }

    /** Whether a column of this type can be a grouping column. */
    static boolean supports(ColumnType type) {
        return type.type() != VeilType.DECIMAL || type.precision() <= 18;
    }

    int groups() {
        return groups;
    }

    /** An estimate, on the high side, of the heap the table takes (its arrays and string dictionaries). */
    long bytes() {
        long bytes = 8L * keys.length
                + 4L * hashes.length
                + 4L * slots.length
                + 8L * masks.length
                + 8L * codes.length * masks.length;
        for (StringDictionary d : dictionaries) {
            if (d != null) {
                bytes += d.bytes();
            }
        }
        return bytes;
    }

    /** Sets {@code gids[j]} to the group of row {@code sel[j]}, adding groups for new keys. */
    void assign(FieldVector[] vectors, int[] sel, int n, int[] gids) {
        if (columns.length == 0) {
            Arrays.fill(gids, 0, n, 0);
            return;
        }
        if (masks.length < n) {
            masks = new long[n];
            codes = new long[columns.length][n];
        }
        encode(vectors, sel, n, codes, masks);
        assign(codes, masks, n, gids);
    }

    /** The number of grouping columns. */
    int columnCount() {
        return columns.length;
    }

    /**
     * Whether {@link #encode(FieldVector[], int[], int, long[][], long[])} reads nothing of this
     * table but its column types (no VARCHAR column, whose long strings take dictionary ids): then
     * any thread may encode batches, in any order, for {@link #assign(long[][], long[], int, int[])}.
     */
    boolean encodesRowByRow() {
        for (ColumnType type : types) {
            if (type.type() == VeilType.VARCHAR) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key codes of rows {@code sel[0..n)}: {@code codes[k][j]} the code of column k of row j,
     * {@code masks[j]} its NULL columns' bits; each array at least {@code n} long.
     */
    void encode(FieldVector[] vectors, int[] sel, int n, long[][] codes, long[] masks) {
        Arrays.fill(masks, 0, n, 0L);
        for (int k = 0; k < columns.length; k++) {
            encode(k, vectors[columns[k]], sel, n, codes[k], masks);
        }
    }

    /** Sets {@code gids[j]} to the group of the key that {@code codes} and {@code masks} encode for row j, adding groups for new keys. */
    void assign(long[][] codes, long[] masks, int n, int[] gids) {
        if (columns.length == 0) {
            Arrays.fill(gids, 0, n, 0);
            return;
        }
        int keys = columns.length;
        for (int j = 0; j < n; j++) {
            // Rows often repeat the previous row's key (data loaded in some order): skip the lookup.
            if (j > 0 && masks[j] == masks[j - 1]) {
                boolean same = true;
                for (int k = 0; k < keys && same; k++) {
                    same = codes[k][j] == codes[k][j - 1];
                }
                if (same) {
                    gids[j] = gids[j - 1];
                    continue;
                }
            }
            tuple[0] = masks[j];
            for (int k = 0; k < keys; k++) {
                tuple[k + 1] = codes[k][j];
            }
            gids[j] = findOrAdd(tuple);
        }
    }

    private void encode(int k, FieldVector v, int[] sel, int n, long[] out, long[] masks) {
        boolean nullable = Validity.hasNulls(v);
        long bit = 1L << k;
        ArrowBuf data = v.getDataBuffer();
        switch (types[k].type()) {
            case INTEGER, DATE -> {
                // Unchecked reads: every row in sel is below the batch's row count, which the buffer holds.
                long address = data.memoryAddress();
                for (int j = 0; j < n; j++) {
                    out[j] = MemoryUtil.getInt(address + (long) sel[j] * 4);
                }
            }
            case BIGINT, TIMESTAMP -> {
                long address = data.memoryAddress();
                for (int j = 0; j < n; j++) {
                    out[j] = MemoryUtil.getLong(address + (long) sel[j] * 8);
                }
            }
            case DOUBLE -> {
                // Double.equals, which the row code's grouping uses, compares these bits.
                for (int j = 0; j < n; j++) {
                    out[j] = Double.doubleToLongBits(data.getDouble((long) sel[j] * 8));
                }
            }
            case DECIMAL -> {
                long address = data.memoryAddress();
                for (int j = 0; j < n; j++) {
                    out[j] = MemoryUtil.getLong(address + (long) sel[j] * DecimalVector.TYPE_WIDTH);
                }
            }
            case BOOLEAN -> {
                BitVector b = (BitVector) v;
                for (int j = 0; j < n; j++) {
                    out[j] = b.isNull(sel[j]) ? 0 : b.get(sel[j]);
                }
            }
            case VARCHAR -> {
                VarCharVector s = (VarCharVector) v;
                StringDictionary dictionary = dictionaries[k];
                long offsets = s.getOffsetBuffer().memoryAddress();
                long address = data.memoryAddress();
                long capacity = data.capacity();
                for (int j = 0; j < n; j++) {
                    int row = sel[j];
                    if (nullable && s.isNull(row)) {
                        continue;
                    }
                    int start = MemoryUtil.getInt(offsets + (long) row * VarCharVector.OFFSET_WIDTH);
                    int length = MemoryUtil.getInt(offsets + (long) (row + 1) * VarCharVector.OFFSET_WIDTH) - start;
                    out[j] = length <= 7 ? shortCode(address, start, length, capacity) : -1L - dictionary.id(s, row);
                }
            }
        }
        if (nullable) {
            for (int j = 0; j < n; j++) {
                if (v.isNull(sel[j])) {
                    out[j] = 0;
                    masks[j] |= bit;
                }
            }
        }
    }

    /**
     * A string of at most 7 bytes as a long: its bytes, little-endian, and its length in the top
     * byte (so never negative, unlike the codes {@code -1 - id} of longer, dictionary strings).
     */
    private static long shortCode(long address, int start, int length, long capacity) {
        long bytes;
        if (start + 8L <= capacity && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            bytes = length == 0 ? 0 : MemoryUtil.getLong(address + start) & (-1L >>> (64 - 8 * length));
        } else {
            bytes = 0;
            for (int b = 0; b < length; b++) {
                bytes |= (MemoryUtil.getByte(address + start + b) & 0xFFL) << (8 * b);
            }
        }
        return ((long) length << 56) | bytes;
    }

    private static String shortString(long code) {
        int length = (int) (code >>> 56);
        byte[] bytes = new byte[length];
        for (int b = 0; b < length; b++) {
            bytes[b] = (byte) (code >>> (8 * b));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int findOrAdd(long[] t) {
        long h = 0;
        for (long c : t) {
            h = (h + c) * 0x9E3779B97F4A7C15L;
        }
        int hash = (int) (h ^ (h >>> 32));
        if (ranged && t[0] == 0 && (t[1] > greatest || t[1] < least)) {
            return append(t, hash);
        }
        if (ranged && ascending && t[0] == 0) {
            int g = search(t[1]);
            if (g >= 0) {
                return g;
            }
        }
        index();
        int mask = slots.length - 1;
        for (int s = hash & mask; ; s = (s + 1) & mask) {
            int entry = slots[s];
            if (entry == 0) {
                return add(t, hash, s);
            }
            int g = entry - 1;
            if (hashes[g] == hash && Arrays.equals(keys, g * width, g * width + width, t, 0, width)) {
                return g;
            }
        }
    }

    /** Adds a new group with key {@code t} in slot {@code slot} (all earlier groups are in the slots). */
    private int add(long[] t, int hash, int slot) {
        int g = append(t, hash);
        slots[slot] = g + 1;
        indexed = groups;
        if (groups * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return g;
    }

    /** Adds a new group with key {@code t}, not yet in the slots. */
    private int append(long[] t, int hash) {
        if (groups == hashes.length) {
            hashes = Arrays.copyOf(hashes, groups * 2);
            keys = Arrays.copyOf(keys, groups * 2 * width);
        }
        int g = groups++;
        System.arraycopy(t, 0, keys, g * width, width);
        hashes[g] = hash;
        if (ranged) {
            ascending &= t[0] == 0 && (g == 0 || t[1] > greatest);
            widenRange(t[0], t[1]);
        }
        return g;
    }

    /** The group of non-null key {@code code} in an {@link #ascending} table, or -1. */
    private int search(long code) {
        int lo = 0;
        int hi = groups - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = keys[mid * width + 1];
            if (k < code) {
                lo = mid + 1;
            } else if (k > code) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Puts the groups not yet in the slots into them, growing the slots to twice the groups. */
    private void index() {
        if (indexed == groups) {
            return;
        }
        if (groups * 2 > slots.length) {
            rehash(slots.length * 2);
            return;
        }
        int mask = slots.length - 1;
        for (int i = indexed; i < groups; i++) {
            int s = hashes[i] & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = i + 1;
        }
        indexed = groups;
    }

    private void widenRange(long mask, long code) {
        if (mask != 0) {
            nullKey = true;
        } else {
            least = Math.min(least, code);
            greatest = Math.max(greatest, code);
        }
    }

    /** Rebuilds the slots, at least {@code size} of them and at least twice the groups. */
    private void rehash(int size) {
        int length = size;
        while (groups * 2 > length) {
            length *= 2;
        }
        slots = new int[length];
        int mask = length - 1;
        for (int i = 0; i < groups; i++) {
            int s = hashes[i] & mask;
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = i + 1;
        }
        indexed = groups;
    }

    /** Whether no key of {@code other} (same columns) can be a key here. */
    private boolean disjoint(GroupTable other) {
        if (!ranged || (nullKey && other.nullKey)) {
            return false;
        }
        boolean empty = least > greatest || other.least > other.greatest;
        return empty || greatest < other.least || other.greatest < least;
    }

    /**
     * Adds the groups of {@code other} (same columns) that are new here, in their order;
     * returns the group here of each group of {@code other}.
     */
    int[] merge(GroupTable other) {
        int[] map = new int[other.groups];
        if (columns.length == 0) {
            return map;
        }
        if (disjoint(other)) {
            return appendAll(other, map);
        }
        long[] t = new long[width];
        for (int g = 0; g < other.groups; g++) {
            System.arraycopy(other.keys, g * width, t, 0, width);
            for (int k = 0; k < columns.length; k++) {
                boolean isNull = (t[0] & (1L << k)) != 0;
                if (dictionaries[k] != null && !isNull && t[k + 1] < 0) {
                    byte[] b = other.dictionaries[k].bytes((int) (-1L - t[k + 1]));
                    t[k + 1] = -1L - dictionaries[k].id(b, b.length);
                }
            }
            map[g] = findOrAdd(t);
        }
        return map;
    }

    /** Adds every group of {@code other}, which shares no key with this table, after this table's. */
    private int[] appendAll(GroupTable other, int[] map) {
        ascending &= other.ascending && (groups == 0 || other.groups == 0 || greatest < other.least);
        int total = groups + other.groups;
        if (hashes.length < total) {
            hashes = Arrays.copyOf(hashes, total);
            keys = Arrays.copyOf(keys, total * width);
        }
        System.arraycopy(other.keys, 0, keys, groups * width, other.groups * width);
        System.arraycopy(other.hashes, 0, hashes, groups, other.groups);
        for (int g = 0; g < other.groups; g++) {
            map[g] = groups + g;
        }
        groups = total;
        nullKey |= other.nullKey;
        least = Math.min(least, other.least);
        greatest = Math.max(greatest, other.greatest);
        // A lookup after the merge (none in an aggregation) puts them in the slots first.
        return map;
    }

    /** The value of grouping column {@code k} of a group, as the row code represents it. */
    Object key(int group, int k) {
        long mask = keys[group * width];
        if ((mask & (1L << k)) != 0) {
            return null;
        }
        long code = keys[group * width + k + 1];
        ColumnType type = types[k];
        return switch (type.type()) {
            case INTEGER, DATE -> (int) code;
            case BIGINT, TIMESTAMP -> code;
            case DOUBLE -> Double.longBitsToDouble(code);
            case DECIMAL -> BigDecimal.valueOf(code, type.scale());
            case BOOLEAN -> code != 0;
            case VARCHAR -> code >= 0 ? shortString(code) : dictionaries[k].string((int) (-1L - code));
        };
    }
}
