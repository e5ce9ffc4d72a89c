package org.crld4j.autograd;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time per operation type, forward and backward, for choosing the next optimisation by
 * measurement. Forward time of an op is the time since the previous recorded op (or since
 * {@link #start()}), so glue code between ops is charged to the op that follows it; backward time
 * is measured around each node's backward. Off unless {@link #start()} is called; one thread.
 */
public final class Profiler {
    private Profiler() {}

    private static volatile boolean enabled;
    private static long lastMark;
    private static final Map<String, long[]> STATS = new TreeMap<>();

    /** Forward nanoseconds, backward nanoseconds, forward calls. */
    public record Stat(long forwardNanos, long backwardNanos, long calls) {}

    public static void start() {
        STATS.clear();
        enabled = true;
        lastMark = System.nanoTime();
    }

    public static Map<String, Stat> stop() {
        enabled = false;
        Map<String, Stat> out = new LinkedHashMap<>();
        STATS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]))
                .forEach(e -> out.put(e.getKey(), new Stat(e.getValue()[0], e.getValue()[1], e.getValue()[2])));
        return out;
    }

    public static boolean enabled() { return enabled; }

    static void forward(String op) {
        long now = System.nanoTime();
        long[] s = STATS.computeIfAbsent(op, k -> new long[3]);
        s[0] += now - lastMark;
        s[2]++;
        lastMark = now;
    }

    static void backward(String op, long nanos) {
        STATS.computeIfAbsent(op, k -> new long[3])[1] += nanos;
    }
}
