package org.crld4j.experiments.bench;

import org.crld4j.kernels.Parallel;
import org.crld4j.kernels.Sgemm;
import org.crld4j.tensor.Rng;

import java.util.Arrays;

/**
 * SGEMM n^3 timed the way {@code scripts/openblas_mm.py} times {@code torch.mm} (warm-up, then the
 * median of 15 products), so that {@code scripts/compare-sgemm.sh} can alternate the two in one
 * sitting. JMH ({@link SgemmBench}) is the steadier figure; this one is the same-sitting ratio.
 * <pre>java ... SgemmTimer N THREADS</pre>
 */
public final class SgemmTimer {
    private SgemmTimer() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Parallel.setThreads(threads);
        Rng rng = new Rng(1);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = rng.nextFloat(); b[i] = rng.nextFloat(); }
        // C2 compiles the micro-kernel within a few products; 2 s of warm-up as JMH's first iteration.
        long warmUntil = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warmUntil) multiply(n, a, b, c);
        double[] seconds = new double[15];
        for (int i = 0; i < seconds.length; i++) {
            long t0 = System.nanoTime();
            multiply(n, a, b, c);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(seconds);
        double median = seconds[seconds.length / 2];
        System.out.printf("crld4j Sgemm %d^3, %d thread(s): %.1f GFLOP/s (median of 15)%n", n, threads, 2.0 * n * n * n / median / 1e9);
    }

    private static void multiply(int n, float[] a, float[] b, float[] c) {
        Sgemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }
}
