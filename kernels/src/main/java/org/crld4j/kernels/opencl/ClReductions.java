package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.ReduceOp;

import java.util.Arrays;

/**
 * Reductions over dims (reduce.cl), read in place through the input's strides: no permuted copy.
 * The order is fixed by the shape and the device's group size alone, so results repeat bit for
 * bit; sums are float (the reference sums in double), no atomics anywhere.
 */
final class ClReductions {
    private static final int SUM = 0, MEAN = 1, MAX = 2, MIN = 3, ARGMAX = 4, ARGMIN = 5, VAR = 6;
    /** Rows at most this long are reduced by one work-item each, in order; longer ones by a work-group. */
    static final int SERIAL_MAX = 64;

    private final ClDevice device;

    ClReductions(ClDevice device) { this.device = device; }

    /** Rows of x: the kept dims (outer) and the reduced dims (inner), each merged where its strides allow. */
    private record Plan(int outer, int inner, StridedLayout kept, StridedLayout reduced, int[] outShape) {}

    private static Plan plan(Tensor x, int[] dims, boolean keepdim, String op) {
        int rank = x.rank();
        boolean[] red = Shapes.dimMask(op, dims, rank);
        int nk = 0;
        for (boolean r : red) if (!r) nk++;
        int[] ks = new int[nk], kst = new int[nk], rs = new int[rank - nk], rst = new int[rank - nk];
        int[] outShape = new int[keepdim ? rank : nk];
        for (int i = 0, a = 0, b = 0; i < rank; i++) {
            if (red[i]) { rs[b] = x.size(i); rst[b++] = x.stride(i); }
            else { ks[a] = x.size(i); kst[a++] = x.stride(i); }
        }
        for (int i = 0, j = 0; i < rank; i++) {
            if (keepdim) outShape[i] = red[i] ? 1 : x.size(i);
            else if (!red[i]) outShape[j++] = x.size(i);
        }
        return new Plan(Shapes.numel(ks), Shapes.numel(rs), StridedLayout.of(op, ks, kst), StridedLayout.of(op, rs, rst), outShape);
    }

    private Tensor run(Plan p, Tensor x, int op, boolean unbiased) {
        Tensor out = device.empty(p.outShape());
        if (p.outer() == 0) return out;
        boolean serial = p.inner() <= SERIAL_MAX;
        int group = device.localSize();
        ClKernel k = serial ? device.kernel("reduce", "-DGROUP=" + group, "reduce_serial")
                : device.kernel("reduce", "-DGROUP=" + group, "reduce_group");
        long[] global = {serial ? p.outer() : (long) p.outer() * group};
        device.launch(k, global, new long[] {serial ? Math.min(group, 64) : group},
                p.outer(), p.inner(), op, unbiased ? 1 : 0,
                p.kept().rank, p.kept().shape, p.kept().strides[0], p.reduced().rank, p.reduced().shape, p.reduced().strides[0],
                x, x.offset(), out);
        return out;
    }

    Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        String name = switch (op) { case SUM -> "sum"; case MEAN -> "mean"; case MAX -> "amax"; case MIN -> "amin"; };
        Plan p = plan(x, dims, keepdim, name);
        if (p.inner() == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN))
            throw new IllegalArgumentException(name + ": cannot reduce an empty dim of shape " + Shapes.str(x.shape()));
        int code = switch (op) { case SUM -> SUM; case MEAN -> MEAN; case MAX -> MAX; case MIN -> MIN; };
        return run(p, x, code, false);
    }

    Tensor argExtreme(Tensor x, int dim, boolean keepdim, boolean max) {
        String name = max ? "argmax" : "argmin";
        Plan p = plan(x, new int[] {dim}, keepdim, name);
        if (p.inner() == 0) throw new IllegalArgumentException(name + ": empty dim in shape " + Shapes.str(x.shape()));
        return run(p, x, max ? ARGMAX : ARGMIN, false);
    }

    Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) { return run(plan(x, dims, keepdim, "var"), x, VAR, unbiased); }

    /** Sums x down to {@code target}, undoing a broadcast; x itself when the shapes are equal (as the reference). */
    Tensor sumTo(Tensor x, int[] target) {
        int[] shape = x.shape();
        if (Arrays.equals(shape, target)) return x;
        int[] b = Shapes.broadcast("sumTo", target, shape);
        if (!Arrays.equals(b, shape))
            throw new IllegalArgumentException("sumTo: shape " + Shapes.str(shape) + " is not a broadcast of " + Shapes.str(target));
        int lead = shape.length - target.length, n = 0;
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++)
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) dims[n++] = i;
        if (n == 0) return x.reshape(target);
        return run(plan(x, Arrays.copyOf(dims, n), true, "sumTo"), x, SUM, false).reshape(target);
    }
}
