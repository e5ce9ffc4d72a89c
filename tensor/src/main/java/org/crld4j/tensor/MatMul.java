package org.crld4j.tensor;

/** torch.matmul on top of a host SGEMM; transposed views are passed as flags, not copied. */
public final class MatMul {
    private MatMul() {}

    /**
     * Row-major SGEMM on host arrays: {@code C = alpha * op(A) * op(B) + beta * C} with op(A)
     * of shape [m, k] and op(B) of shape [k, n]; {@code lda/ldb/ldc} are row strides of the arrays
     * as stored (A is stored [k, m] when transA). When beta is 0, C is overwritten.
     */
    @FunctionalInterface
    public interface Gemm {
        void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                  float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    }

    /** torch.matmul of host tensors with the given SGEMM. */
    public static Tensor matmul(Tensor a, Tensor b, Gemm be) {
        if (a.rank() == 0 || b.rank() == 0)
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        if (a.rank() == 1 && b.rank() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1), be).reshape();
        if (a.rank() == 1) return squeezeDim(matmul(a.unsqueeze(0), b, be), -2);
        if (b.rank() == 1) return squeezeDim(matmul(a, b.unsqueeze(1), be), -1);
        int m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2)
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " cannot be multiplied (" + k + " != " + k2 + ")");
        int[] batchA = java.util.Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] batchB = java.util.Arrays.copyOf(b.shape(), b.rank() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int nb = Shapes.numel(batch);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.hostZeros(outShape);
        int[] ea = java.util.Arrays.copyOf(batch, batch.length + 2); ea[batch.length] = m; ea[batch.length + 1] = k;
        int[] eb = java.util.Arrays.copyOf(batch, batch.length + 2); eb[batch.length] = k; eb[batch.length + 1] = n;
        Tensor a3 = a.expand(ea).reshape(nb, m, k), b3 = b.expand(eb).reshape(nb, k, n);
        for (int i = 0; i < nb; i++) {
            Operand ai = Operand.of(a3.select(0, i)), bi = Operand.of(b3.select(0, i));
            be.gemm(ai.transposed, bi.transposed, m, n, k, 1f, ai.t.array(), ai.t.offset(), ai.ld,
                    bi.t.array(), bi.t.offset(), bi.ld, 0f, out.array(), i * m * n, n);
        }
        return out;
    }

    /** A 2-D operand as SGEMM sees it: row-major, or column-major (a transposed view), else copied. */
    private record Operand(Tensor t, boolean transposed, int ld) {
        static Operand of(Tensor t) {
            int r = t.size(0), c = t.size(1), s0 = t.stride(0), s1 = t.stride(1);
            if (s1 == 1 && (r == 1 || s0 >= c)) return new Operand(t, false, r == 1 ? Math.max(c, 1) : s0);
            if (s0 == 1 && (c == 1 || s1 >= r)) return new Operand(t, true, c == 1 ? Math.max(r, 1) : s1);
            return new Operand(t.copy(), false, Math.max(c, 1));
        }
    }

    private static Tensor squeezeDim(Tensor t, int d) {
        int dd = Shapes.dim("matmul", d, t.rank());
        int[] s = new int[t.rank() - 1];
        for (int i = 0, j = 0; i < t.rank(); i++) if (i != dd) s[j++] = t.size(i);
        return t.reshape(s);
    }
}
