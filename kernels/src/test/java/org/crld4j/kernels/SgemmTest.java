package org.crld4j.kernels;

import org.crld4j.tensor.ReferenceBackend;
import org.crld4j.tensor.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fast SGEMM against the reference loop on awkward shapes, all transpose flags, offsets and alpha/beta. */
class SgemmTest {
    private static float[] random(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextFloat() * 2 - 1;
        return a;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "7,13,5", "6,16,128", "5,17,3", "37,41,300", "130,257,129", "1,200,33", "200,1,64", "12,32,600", "145,33,260", "16,64,40", "24,96,200", "9,40,1100"})
    void matchesReference(int m, int n, int k) {
        Rng rng = new Rng(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2, off = 5;
                float[] a = random(rng, off + (ta ? k : m) * lda), b = random(rng, off + (tb ? n : k) * ldb);
                float[] c = random(rng, off + m * ldc), ref = c.clone();
                float alpha = 0.75f, beta = ta ? 0f : 0.5f;
                Sgemm.gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
                ReferenceBackend.referenceGemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, ref, off, ldc);
                for (int i = 0; i < ref.length; i++)
                    assertEquals(ref[i], c[i], 1e-5 * k + 1e-5, "ta=" + ta + " tb=" + tb + " at " + i);
            }
        }
    }

    /** beta = 0 overwrites C (NaNs there do not propagate), through the pre-packed path too, edges included. */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"4,16,8", "37,41,300", "130,70,200", "37,41,700"})
    void betaZeroOverwritesWithPackedA(int m, int n, int k) {
        Rng rng = new Rng(m + n + k);
        float[] a = random(rng, m * k), b = random(rng, k * n), c = new float[m * n], ref = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Sgemm.gemm(Sgemm.pack(false, m, k, a, 0, k), false, n, 1f, b, 0, n, 0f, c, 0, n);
        ReferenceBackend.referenceGemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, ref, 0, n);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], c[i], 1e-5 * k + 1e-5, "at " + i);
    }

    /**
     * Products tall enough for the thread team (several row blocks, column blocks and k blocks, all
     * with ragged edges): the reference's values, and bit for bit the single-threaded result, both
     * through gemm on the pool and through the team itself (which also runs on one thread).
     */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"600,1100,700", "530,70,900", "1024,520,200"})
    void teamMatchesReferenceAndOneThread(int m, int n, int k) {
        Rng rng = new Rng(m * 7L + n * 3L + k);
        int threads = Parallel.threads();
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(rng, m * k), b = random(rng, k * n), c0 = random(rng, m * n);
                int lda = ta ? m : k, ldb = tb ? k : n;
                float beta = tb ? 0f : 0.5f;
                float[] ref = c0.clone(), pooled = c0.clone(), single = c0.clone(), team = c0.clone();
                if (beta == 0f) java.util.Arrays.fill(pooled, Float.NaN);
                ReferenceBackend.referenceGemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, beta, ref, 0, n);
                Sgemm.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, beta, pooled, 0, n);
                try {
                    Parallel.setThreads(1);
                    Sgemm.gemm(ta, tb, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, beta, single, 0, n);
                } finally {
                    Parallel.setThreads(threads);
                }
                if (beta == 0f) java.util.Arrays.fill(team, Float.NaN);
                else for (int i = 0; i < team.length; i++) team[i] *= beta; // team() expects C already scaled
                Sgemm.team(ta, tb, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, team, 0, n, beta == 0f);
                for (int i = 0; i < ref.length; i++) {
                    assertEquals(ref[i], pooled[i], 1e-5 * k + 1e-5, "ta=" + ta + " tb=" + tb + " at " + i);
                    assertEquals(Float.floatToIntBits(single[i]), Float.floatToIntBits(pooled[i]), "pool vs one thread, ta=" + ta + " tb=" + tb + " at " + i);
                    assertEquals(Float.floatToIntBits(single[i]), Float.floatToIntBits(team[i]), "team vs one thread, ta=" + ta + " tb=" + tb + " at " + i);
                }
            }
        }
    }

    /** A member of the team that fails (B one float shorter than its shape says: only the member packing the last chunk fails) fails the call, naming the index, instead of leaving the others waiting. */
    @org.junit.jupiter.api.Test
    void teamFailureEndsTheCall() {
        int m = 600, n = 1100, k = 400;
        Rng rng = new Rng(3);
        float[] a = random(rng, m * k), b = random(rng, k * n - 1), c = new float[m * n];
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> Sgemm.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> Sgemm.team(false, false, m, n, k, 1f, a, 0, k, b, 0, n, c, 0, n, true));
        });
    }
}
