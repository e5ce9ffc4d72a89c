package org.crld4j.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one shared thread pool, sized to the cores (override with {@code -Dcrld4j.threads=N} or
 * {@code CRLD4J_THREADS}). Work is split statically into contiguous ranges, so which thread
 * computes which element depends only on the thread count: results are reproducible bit for bit.
 * A parallel call made from inside a parallel region runs inline (no nested fan-out, no deadlock);
 * calls from several threads at once take turns.
 * {@link #setThreads(int)} lowers the count at run time (like torch.set_num_threads).
 *
 * <p>Workers spin for a while after a region before they park ({@code -Dcrld4j.spinMicros},
 * default {@value #DEFAULT_SPIN_MICROS}), as OpenMP runtimes and OpenBLAS do: a parked worker on
 * a virtual machine took 50-300 us to wake, paid by every region (a training step runs hundreds).
 */
public final class Parallel {
    static final int DEFAULT_SPIN_MICROS = 200;
    private static final int THREADS = configuredThreads();
    private static final long SPIN_NANOS = 1000L * Long.getLong("crld4j.spinMicros", DEFAULT_SPIN_MICROS);
    private static volatile int active = THREADS;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    /** Held by the caller of a parallel region for its length, so that regions from two threads do not share workers. */
    private static final ReentrantLock REGION = new ReentrantLock();

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker(i + 1);
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    private static int configuredThreads() {
        String v = System.getProperty("crld4j.threads", System.getenv("CRLD4J_THREADS"));
        if (v != null && !v.isBlank()) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("crld4j.threads / CRLD4J_THREADS must be a positive integer, got '" + v + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads a parallel region uses (the caller included). */
    public static int threads() { return active; }

    /** Uses {@code n} threads from now on, 1 to the configured count. */
    public static void setThreads(int n) {
        if (n < 1 || n > THREADS)
            throw new IllegalArgumentException("threads must be in [1, " + THREADS + "] (the pool's size, set by -Dcrld4j.threads), got " + n);
        active = n;
    }

    /** Whether the calling thread is already inside a parallel region. */
    public static boolean inside() { return INSIDE.get(); }

    @FunctionalInterface
    public interface RangeBody { void run(int part, int start, int end); }

    /** Number of ranges {@link #forRange} will use for n items. */
    public static int parts(int n) { return inside() ? 1 : Math.max(1, Math.min(active, n)); }

    /**
     * Splits [0, n) into {@link #parts(int)} contiguous ranges and runs them concurrently; part 0 runs
     * on the caller. Exceptions in any part are rethrown.
     */
    public static void forRange(int n, RangeBody body) {
        int parts = parts(n);
        if (parts <= 1) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        REGION.lock();
        INSIDE.set(Boolean.TRUE);
        try {
            Region region = new Region(n, parts, body);
            for (int p = 1; p < parts; p++) WORKERS[p - 1].give(region);
            region.runPart(0);
            region.await();
            if (region.failure instanceof RuntimeException re) throw re;
            if (region.failure instanceof Error er) throw er;
            if (region.failure != null) throw new RuntimeException(region.failure);
        } finally {
            INSIDE.set(Boolean.FALSE);
            REGION.unlock();
        }
    }

    /** Runs body(i) for each i in [0, n), in parallel ranges. */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        forRange(n, (part, s, e) -> { for (int i = s; i < e; i++) body.accept(i); });
    }

    /** One forRange call: its ranges, the parts still running, the first failure. */
    private static final class Region {
        final int n, parts;
        final RangeBody body;
        final AtomicInteger running;
        final Thread caller = Thread.currentThread();
        volatile boolean callerParked;
        volatile Throwable failure;

        Region(int n, int parts, RangeBody body) {
            this.n = n; this.parts = parts; this.body = body;
            running = new AtomicInteger(parts - 1);
        }

        void runPart(int p) {
            try {
                body.run(p, (int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
            } catch (Throwable t) {
                if (failure == null) failure = t;
            }
        }

        /** A worker's part is done: the last one wakes the caller if it has parked. */
        void partDone() {
            if (running.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
        }

        /** The caller waits for the workers' parts: spinning first, then parked. */
        void await() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (running.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                callerParked = true;
                if (running.get() > 0) LockSupport.park(this);
                callerParked = false;
            }
        }
    }

    /** A pool thread: takes one region part at a time, spins for SPIN_NANOS after each before it parks. */
    private static final class Worker extends Thread {
        final int part;
        volatile Region region;
        volatile boolean parked;

        Worker(int part) {
            super("crld4j-worker-" + part);
            this.part = part;
            setDaemon(true);
        }

        void give(Region r) {
            region = r;
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            INSIDE.set(Boolean.TRUE);
            for (;;) {
                Region r = take();
                region = null;
                r.runPart(part);
                r.partDone();
            }
        }

        private Region take() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            for (;;) {
                Region r = region;
                if (r != null) return r;
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (region == null) LockSupport.park(this);
                parked = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }
}
