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
    @CsvSource({"1,1,1", "7,13,5", "6,16,128", "5,17,3", "37,41,300", "130,257,129", "1,200,33", "200,1,64", "12,32,600", "145,33,260", "16,64,40", "24,96,200"})
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
    @CsvSource({"4,16,8", "37,41,300", "130,70,200"})
    void betaZeroOverwritesWithPackedA(int m, int n, int k) {
        Rng rng = new Rng(m + n + k);
        float[] a = random(rng, m * k), b = random(rng, k * n), c = new float[m * n], ref = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Sgemm.gemm(Sgemm.pack(false, m, k, a, 0, k), false, n, 1f, b, 0, n, 0f, c, 0, n);
        ReferenceBackend.referenceGemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, ref, 0, n);
        for (int i = 0; i < ref.length; i++) assertEquals(ref[i], c[i], 1e-5 * k + 1e-5, "at " + i);
    }
}
