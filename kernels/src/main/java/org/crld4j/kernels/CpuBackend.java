package org.crld4j.kernels;

import org.crld4j.tensor.Backend;

/** The fast CPU backend: Vector API kernels on the shared {@link Parallel} pool. */
public final class CpuBackend implements Backend {
    @Override public String name() { return "cpu"; }
    @Override public int priority() { return 10; }

    @Override public String describe() {
        return "cpu (Vector API " + Sgemm.SPECIES.vectorBitSize() + "-bit, " + Parallel.threads() + " threads)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Sgemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
