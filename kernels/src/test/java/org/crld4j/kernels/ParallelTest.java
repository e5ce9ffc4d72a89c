package org.crld4j.kernels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The pool's contract: static ranges, failures rethrown, nested regions inline, callers taking turns, workers waking from a park. */
@Timeout(60) // a lost wake-up would hang, not fail
class ParallelTest {
    /** Each element of [0, n) once, in the documented contiguous ranges, on as many threads as parts. */
    @Test
    void rangesCoverOnceOnDistinctThreads() {
        assumeTrue(Parallel.threads() >= 2, "needs 2 or more threads");
        for (int n : new int[] {2, 3, 7, 1000}) {
            int parts = Parallel.parts(n);
            int[] hits = new int[n];
            int[] starts = new int[parts], ends = new int[parts];
            Thread[] who = new Thread[parts];
            Parallel.forRange(n, (p, s, e) -> {
                starts[p] = s; ends[p] = e; who[p] = Thread.currentThread();
                for (int i = s; i < e; i++) hits[i]++;
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits[i], "element " + i + " of " + n);
            for (int p = 0; p < parts; p++) {
                assertEquals((int) ((long) n * p / parts), starts[p], "start of part " + p);
                assertEquals((int) ((long) n * (p + 1) / parts), ends[p], "end of part " + p);
            }
            assertSame(Thread.currentThread(), who[0], "part 0 runs on the caller");
            assertEquals(parts, Arrays.stream(who).distinct().count(), "one thread per part");
        }
    }

    @Test
    void aWorkersFailureIsRethrownAndThePoolGoesOn() {
        assumeTrue(Parallel.threads() >= 2, "needs 2 or more threads");
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, (p, s, e) -> {
            if (p == 1) throw new IllegalStateException("part 1 failed");
        }));
        assertEquals("part 1 failed", x.getMessage());
        AssertionError y = assertThrows(AssertionError.class, () -> Parallel.forRange(4, (p, s, e) -> {
            if (p == 0) throw new AssertionError("part 0 failed");
        }));
        assertEquals("part 0 failed", y.getMessage());
        AtomicInteger sum = new AtomicInteger();
        Parallel.forRange(100, (p, s, e) -> sum.addAndGet(e - s));
        assertEquals(100, sum.get(), "the pool still runs every part after failures");
    }

    @Test
    void nestedRegionsRunInline() {
        assumeTrue(Parallel.threads() >= 2, "needs 2 or more threads");
        ConcurrentHashMap<Integer, Thread> inner = new ConcurrentHashMap<>();
        Parallel.forRange(2, (p, s, e) -> {
            assertTrue(Parallel.inside());
            assertEquals(1, Parallel.parts(50), "no fan-out from inside a region");
            Parallel.forRange(50, (q, s2, e2) -> inner.put(p * 100 + q, Thread.currentThread()));
        });
        assertEquals(2, inner.size(), "each outer part ran its inner region as one range");
        assertFalse(Parallel.inside(), "the caller is outside again");
    }

    /** Two threads calling at once (a data loader beside the trainer) both get every element, in turns. */
    @Test
    void concurrentCallersTakeTurns() throws Exception {
        assumeTrue(Parallel.threads() >= 2, "needs 2 or more threads");
        int n = 4096, rounds = 300;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] callers = new Thread[2];
        long[][] sums = new long[2][rounds];
        for (int t = 0; t < 2; t++) {
            int id = t;
            callers[t] = new Thread(() -> {
                try {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        AtomicInteger covered = new AtomicInteger();
                        AtomicLong sum = new AtomicLong();
                        Parallel.forRange(n, (p, s, e) -> {
                            long local = 0;
                            for (int i = s; i < e; i++) local += i;
                            sum.addAndGet(local);
                            covered.addAndGet(e - s);
                        });
                        if (covered.get() != n) throw new AssertionError("caller " + id + " round " + r + " covered " + covered.get());
                        sums[id][r] = sum.get();
                    }
                } catch (Throwable x) {
                    failed.compareAndSet(null, x);
                }
            });
            callers[t].start();
        }
        go.countDown();
        for (Thread t : callers) t.join(60_000);
        if (failed.get() != null) throw new AssertionError(failed.get());
        long expected = (long) n * (n - 1) / 2;
        long[] want = new long[rounds];
        Arrays.fill(want, expected);
        assertArrayEquals(want, sums[0]);
        assertArrayEquals(want, sums[1]);
    }

    /** After an idle spell longer than the spin, workers are parked and must still be woken. */
    @Test
    void parkedWorkersWake() throws Exception {
        assumeTrue(Parallel.threads() >= 2, "needs 2 or more threads");
        for (int i = 0; i < 5; i++) {
            Thread.sleep(Parallel.DEFAULT_SPIN_MICROS / 1000 + 5);
            ConcurrentHashMap<Thread, Boolean> seen = new ConcurrentHashMap<>();
            Parallel.forRange(2, (p, s, e) -> seen.put(Thread.currentThread(), Boolean.TRUE));
            assertEquals(2, seen.size());
        }
    }
}
