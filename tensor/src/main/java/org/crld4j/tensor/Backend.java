package org.crld4j.tensor;

/**
 * A compute backend: allocates storage and runs the routines whose speed matters. Backends are
 * discovered with {@link java.util.ServiceLoader}, chosen once at start-up by {@link Backends} and
 * logged. The tensor module ships {@link ReferenceBackend} (plain loops); the kernels module adds
 * the vectorised, multithreaded CPU backend.
 */
public interface Backend {
    /** Short name used in logs and in {@code -Dcrld4j.backend=NAME}. */
    String name();

    /** Higher wins when several backends are on the class path. */
    int priority();

    /** A one-line description for the start-up log (threads, vector width, device). */
    default String describe() { return name(); }

    /** New zero-filled storage of {@code n} floats. */
    default Storage allocate(int n) { return new Storage.Host(new float[n]); }

    /**
     * Row-major SGEMM: {@code C = alpha * op(A) * op(B) + beta * C} with op(A) of shape [m, k] and
     * op(B) of shape [k, n]. {@code lda/ldb/ldc} are row strides of the arrays as stored (A is
     * stored [k, m] when transA). When beta is 0, C is overwritten (NaNs in C do not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);
}
