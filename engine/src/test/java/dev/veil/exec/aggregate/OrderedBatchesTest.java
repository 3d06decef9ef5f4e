package dev.veil.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class OrderedBatchesTest {
    /** A slot: the batch produced into it and the thread that produced it. */
    private static final class Slot {
        int batch = -1;
        String producer;
    }

    private static List<Slot> slots(int n) {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            slots.add(new Slot());
        }
        return slots;
    }

    /** A producer of batches 0 to count - 1 that checks it is asked for increasing numbers. */
    private static OrderedBatches.Producer<Slot> producer(
            int count, String name, long seed, ConcurrentHashMap<Integer, String> producedBy) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] last = {-1};
        return (index, slot) -> {
            assertTrue(index > last[0], name + " asked for " + index + " after " + last[0]);
            last[0] = index;
            if (index >= count) {
                return false;
            }
            LockSupport.parkNanos(random.nextInt(200_000));
            slot.batch = index;
            slot.producer = name;
            assertEquals(null, producedBy.put(index, name), "batch " + index + " produced twice");
            return true;
        };
    }

    @Test
    void theSinkTakesEveryBatchOnceInOrderWhoeverProducedIt() {
        for (int count : new int[] {0, 1, 2, 5, 200}) {
            for (int slotCount : new int[] {2, 4}) {
                ConcurrentHashMap<Integer, String> producedBy = new ConcurrentHashMap<>();
                List<Integer> taken = new ArrayList<>();
                AtomicInteger fromCaller = new AtomicInteger();
                new OrderedBatches<>(slots(slotCount))
                        .run(
                                producer(count, "helper", 1, producedBy),
                                producer(count, "caller", 2, producedBy),
                                slot -> {
                                    taken.add(slot.batch);
                                    if (slot.producer.equals("caller")) {
                                        fromCaller.incrementAndGet();
                                    }
                                    // A slow consumer now and then: the helper runs ahead up to the slots.
                                    if (slot.batch % 7 == 0) {
                                        LockSupport.parkNanos(300_000);
                                    }
                                },
                                new AtomicBoolean(),
                                "test-helper");
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    expected.add(i);
                }
                assertEquals(expected, taken, count + " batches, " + slotCount + " slots");
                assertEquals(count, producedBy.size());
            }
        }
    }

    @Test
    void aFailureOfTheHelperStopsTheRunAndIsThrownOnTheCaller() {
        IllegalStateException failure = new IllegalStateException("disk gone");
        ConcurrentHashMap<Integer, String> producedBy = new ConcurrentHashMap<>();
        OrderedBatches.Producer<Slot> caller = producer(1000, "caller", 3, producedBy);
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> new OrderedBatches<>(slots(3))
                        .run(
                                (index, slot) -> {
                                    throw failure;
                                },
                                caller,
                                slot -> {},
                                new AtomicBoolean(),
                                "test-helper"));
        assertSame(failure, thrown);
    }

    @Test
    void aFailureOfTheSinkStopsTheHelper() {
        ConcurrentHashMap<Integer, String> producedBy = new ConcurrentHashMap<>();
        AtomicInteger helperCalls = new AtomicInteger();
        OrderedBatches.Producer<Slot> helper = producer(1_000_000, "helper", 4, producedBy);
        RuntimeException thrown = assertThrows(
                RuntimeException.class,
                () -> new OrderedBatches<>(slots(3))
                        .run(
                                (index, slot) -> {
                                    helperCalls.incrementAndGet();
                                    return helper.produce(index, slot);
                                },
                                producer(1_000_000, "caller", 5, producedBy),
                                slot -> {
                                    if (slot.batch == 10) {
                                        throw new RuntimeException("consumer failed");
                                    }
                                },
                                new AtomicBoolean(),
                                "test-helper"));
        assertEquals("consumer failed", thrown.getMessage());
        // The run returned after the helper ended: it produced at most the slots past batch 10.
        int calls = helperCalls.get();
        LockSupport.parkNanos(20_000_000);
        assertEquals(calls, helperCalls.get(), "the helper stopped");
        assertTrue(producedBy.size() <= 14, producedBy.size() + " batches produced");
    }

    @Test
    void aCancelledQueryStopsWhileTheCallerWaits() throws InterruptedException {
        AtomicBoolean cancel = new AtomicBoolean();
        Thread canceller = new Thread(() -> {
            LockSupport.parkNanos(50_000_000);
            cancel.set(true);
        });
        canceller.start();
        VeilException thrown = assertThrows(
                VeilException.class,
                () -> new OrderedBatches<>(slots(2))
                        .run(
                                (index, slot) -> {
                                    // A helper stuck in a slow read until the query is cancelled.
                                    while (!cancel.get()) {
                                        LockSupport.parkNanos(1_000_000);
                                    }
                                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                                },
                                (index, slot) -> {
                                    slot.batch = index;
                                    return true;
                                },
                                slot -> {},
                                cancel,
                                "test-helper"));
        assertEquals(ErrorCode.QUERY_CANCELLED, thrown.errorCode());
        canceller.join();
    }
}
