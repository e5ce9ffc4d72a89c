package org.crld4j.tensor.host;

/**
 * How a host kernel runs its independent ranges (planes, rows): one after another for the
 * reference backend, on a thread pool for the CPU backend. The work per index is the same either
 * way, so both give the same numbers.
 */
@FunctionalInterface
public interface Ranges {
    /** Work on indices [start, end) as the {@code part}-th piece. */
    @FunctionalInterface
    interface Body { void run(int part, int start, int end); }

    void forRange(int n, Body body);

    Ranges SERIAL = (n, body) -> { if (n > 0) body.run(0, 0, n); };
}
