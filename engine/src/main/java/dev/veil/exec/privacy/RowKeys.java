package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Objects;

/**
 * Dense ids for the distinct values of some fields of rows: the first distinct value gets 0, the
 * next 1, and so on. Values compare with {@link Objects#equals} field by field, as
 * {@link Arrays#equals(Object[], Object[])} would compare them. Looking up a row's id allocates
 * nothing unless its value is new, which keeps a per-row loop free of key objects.
 */
final class RowKeys {
    private final int[] fields;
    /** Slot -> id + 1; 0 is an empty slot. */
    private int[] slots = new int[16];
    /** Per id: its hash. */
    private int[] hashes = new int[8];
    /** Per id: its values, {@code fields.length} of them from {@code id * fields.length}. */
    private Object[] values;

    private int size;
    /** The id returned last: consecutive rows often share a value (rows of one order, of one day). */
    private int last = -1;

    RowKeys(int[] fields) {
        this.fields = requireNonNull(fields, "fields is null").clone();
        this.values = new Object[8 * Math.max(1, fields.length)];
    }

    /** How many distinct values were seen. */
    int size() {
        return size;
    }

    /** The id of the value of {@code row}'s fields, new if the value is new. */
    int idOf(Object[] row) {
        if (last >= 0 && matches(last, row)) {
            return last;
        }
        last = find(row);
        return last;
    }

    private int find(Object[] row) {
        int hash = 1;
        for (int field : fields) {
            hash = 31 * hash + Objects.hashCode(row[field]);
        }
        int mask = slots.length - 1;
        int slot = spread(hash) & mask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0) {
                return add(row, hash, slot);
            }
            int id = entry - 1;
            if (hashes[id] == hash && matches(id, row)) {
                return id;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** The values of id {@code id}, as a new array. */
    Object[] values(int id) {
        int n = fields.length;
        return Arrays.copyOfRange(values, id * n, id * n + n);
    }

    private boolean matches(int id, Object[] row) {
        int base = id * fields.length;
        for (int k = 0; k < fields.length; k++) {
            if (!Objects.equals(values[base + k], row[fields[k]])) {
                return false;
            }
        }
        return true;
    }

    private int add(Object[] row, int hash, int slot) {
        int id = size++;
        if (id == hashes.length) {
            hashes = Arrays.copyOf(hashes, id * 2);
            values = Arrays.copyOf(values, id * 2 * Math.max(1, fields.length));
        }
        hashes[id] = hash;
        for (int k = 0; k < fields.length; k++) {
            values[id * fields.length + k] = row[fields[k]];
        }
        slots[slot] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        int[] grown = new int[slots.length * 2];
        int mask = grown.length - 1;
        for (int id = 0; id < size; id++) {
            int slot = spread(hashes[id]) & mask;
            while (grown[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            grown[slot] = id + 1;
        }
        slots = grown;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
