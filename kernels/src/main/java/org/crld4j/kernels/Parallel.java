package org.crld4j.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one shared thread pool, sized to the cores (override with {@code -Dcrld4j.threads=N} or
 * {@code CRLD4J_THREADS}). Work is split statically into contiguous ranges, so which thread
 * computes which element depends only on the thread count: results are reproducible bit for bit.
 * A parallel call made from inside a parallel region runs inline (no nested fan-out, no deadlock).
 * {@link #setThreads(int)} lowers the count at run time (like torch.set_num_threads).
 */
public final class Parallel {
    private static final int THREADS = configuredThreads();
    private static volatile int active = THREADS;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "crld4j-worker");
        t.setDaemon(true);
        return t;
    }) : null;

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
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int part = p, s = (int) ((long) n * p / parts), e = (int) ((long) n * (p + 1) / parts);
            futures.add(POOL.submit(() -> {
                INSIDE.set(Boolean.TRUE);
                try { body.run(part, s, e); } finally { INSIDE.set(Boolean.FALSE); }
            }));
        }
        INSIDE.set(Boolean.TRUE);
        Throwable failure = null;
        try {
            body.run(0, 0, n / parts);
        } catch (Throwable t) {
            failure = t;
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** Runs body(i) for each i in [0, n), in parallel ranges. */
    public static void forEach(int n, java.util.function.IntConsumer body) {
        forRange(n, (part, s, e) -> { for (int i = s; i < e; i++) body.accept(i); });
    }
}
