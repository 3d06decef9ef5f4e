package dev.veil.exec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/** {@link Validity#hasNulls} agrees with Arrow's null count wherever the NULL is. */
class ValidityTest {
    @Test
    void findsANullAtEveryPositionOfEveryLength() {
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector v = new BigIntVector("v", allocator)) {
            for (int count : new int[] {0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 71, 72, 127, 128, 129, 200}) {
                v.reset();
                v.allocateNew(count);
                for (int i = 0; i < count; i++) {
                    v.set(i, i);
                }
                v.setValueCount(count);
                assertFalse(Validity.hasNulls(v), "no NULL in " + count);
                for (int at = 0; at < count; at++) {
                    v.setNull(at);
                    assertTrue(Validity.hasNulls(v), "NULL at " + at + " of " + count);
                    assertEquals(v.getNullCount() > 0, Validity.hasNulls(v));
                    v.set(at, at);
                }
            }
        }
    }

    @Test
    void bitsPastTheValueCountDoNotCount() {
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector v = new BigIntVector("v", allocator)) {
            v.allocateNew(100);
            for (int i = 0; i < 100; i++) {
                v.set(i, i);
            }
            v.setNull(70);
            v.setNull(99);
            v.setValueCount(70);
            assertFalse(Validity.hasNulls(v));
            v.setValueCount(71);
            assertTrue(Validity.hasNulls(v));
        }
    }

    @Test
    void variableWidthVectors() {
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector v = new VarCharVector("v", allocator)) {
            v.allocateNew(10);
            for (int i = 0; i < 10; i++) {
                v.setSafe(i, ("x" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            v.setValueCount(10);
            assertFalse(Validity.hasNulls(v));
            v.setNull(9);
            assertTrue(Validity.hasNulls(v));
        }
    }
}
