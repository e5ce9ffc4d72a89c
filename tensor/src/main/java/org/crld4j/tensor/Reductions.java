package org.crld4j.tensor;

import org.crld4j.tensor.ops.ReduceOp;

/**
 * Reductions over chosen dims. The input is permuted so kept dims come first and reduced dims
 * last, made contiguous, and each row is reduced in order; sums accumulate in double, so results
 * do not depend on the layout of the input or on thread count.
 */
final class Reductions {
    private Reductions() {}


    /** A reduction plan: the rows to reduce and the output shape. */
    private record Plan(Tensor rows, int outer, int inner, int[] outShape) {}

    private static Plan plan(Tensor t, int[] dims, boolean keepdim, String op) {
        int rank = t.rank();
        boolean[] red = Shapes.dimMask(op, dims, rank);
        int[] order = new int[rank];
        int k = 0, outer = 1, inner = 1, nKeep = 0;
        for (int i = 0; i < rank; i++) if (!red[i]) { order[k++] = i; outer *= t.size(i); nKeep++; }
        for (int i = 0; i < rank; i++) if (red[i]) { order[k++] = i; inner *= t.size(i); }
        int[] outShape = new int[keepdim ? rank : nKeep];
        for (int i = 0, j = 0; i < rank; i++) {
            if (keepdim) outShape[i] = red[i] ? 1 : t.size(i);
            else if (!red[i]) outShape[j++] = t.size(i);
        }
        Tensor rows = rank == 0 ? t.dense() : t.permute(order).dense();
        return new Plan(rows, outer, inner, outShape);
    }

    static Tensor reduce(Tensor t, int[] dims, boolean keepdim, ReduceOp kind, String op) {
        Plan p = plan(t, dims, keepdim, op);
        if (p.inner == 0 && (kind == ReduceOp.MAX || kind == ReduceOp.MIN))
            throw new IllegalArgumentException(op + ": cannot reduce an empty dim of shape " + Shapes.str(t.shape()));
        Tensor out = Tensor.hostZeros(p.outShape);
        float[] x = p.rows.array(), o = out.array();
        for (int r = 0; r < p.outer; r++) {
            int base = r * p.inner;
            switch (kind) {
                case SUM, MEAN -> {
                    double s = 0;
                    for (int i = 0; i < p.inner; i++) s += x[base + i];
                    o[r] = (float) (kind == ReduceOp.MEAN ? s / p.inner : s);
                }
                case MAX -> {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < p.inner; i++) {
                        float v = x[base + i];
                        if (v > m || Float.isNaN(v)) { m = v; if (Float.isNaN(v)) break; }
                    }
                    o[r] = m;
                }
                case MIN -> {
                    float m = Float.POSITIVE_INFINITY;
                    for (int i = 0; i < p.inner; i++) {
                        float v = x[base + i];
                        if (v < m || Float.isNaN(v)) { m = v; if (Float.isNaN(v)) break; }
                    }
                    o[r] = m;
                }
            }
        }
        return out;
    }

    static Tensor argExtreme(Tensor t, int dim, boolean keepdim, boolean max) {
        String op = max ? "argmax" : "argmin";
        Plan p = plan(t, new int[] {dim}, keepdim, op);
        if (p.inner == 0) throw new IllegalArgumentException(op + ": empty dim in shape " + Shapes.str(t.shape()));
        Tensor out = Tensor.hostZeros(p.outShape);
        float[] x = p.rows.array(), o = out.array();
        for (int r = 0; r < p.outer; r++) {
            int base = r * p.inner, best = 0;
            float bv = x[base];
            for (int i = 1; i < p.inner && !Float.isNaN(bv); i++) {
                float v = x[base + i];
                if (max ? (v > bv || Float.isNaN(v)) : (v < bv || Float.isNaN(v))) { bv = v; best = i; }
            }
            o[r] = best;
        }
        return out;
    }

    static Tensor var(Tensor t, int[] dims, boolean unbiased, boolean keepdim) {
        Plan p = plan(t, dims, keepdim, "var");
        Tensor out = Tensor.hostZeros(p.outShape);
        float[] x = p.rows.array(), o = out.array();
        int n = p.inner;
        for (int r = 0; r < p.outer; r++) {
            int base = r * n;
            double s = 0;
            for (int i = 0; i < n; i++) s += x[base + i];
            double mean = s / n, ss = 0;
            for (int i = 0; i < n; i++) { double d = x[base + i] - mean; ss += d * d; }
            int div = unbiased ? n - 1 : n;
            o[r] = div <= 0 ? Float.NaN : (float) (ss / div);
        }
        return out;
    }

    static Tensor sumTo(Tensor t, int[] target) {
        int[] shape = t.shape();
        if (java.util.Arrays.equals(shape, target)) return t;
        int[] b = Shapes.broadcast("sumTo", target, shape);
        if (!java.util.Arrays.equals(b, shape))
            throw new IllegalArgumentException("sumTo: shape " + Shapes.str(shape) + " is not a broadcast of " + Shapes.str(target));
        int lead = shape.length - target.length;
        int n = 0;
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++)
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) dims[n++] = i;
        if (n == 0) return t.reshape(target);
        return reduce(t, java.util.Arrays.copyOf(dims, n), true, ReduceOp.SUM, "sumTo").reshape(target);
    }
}
