package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.Arrays;

/**
 * Operands sharing one shape, each with its own strides, as kernels take them: size-1 dims
 * dropped and neighbouring dims merged wherever every operand's strides allow, so a dense
 * operation becomes rank 1; shape and strides padded to {@link #MAX_RANK} lanes (int8 kernel
 * arguments). The row-major element order is unchanged.
 */
final class StridedLayout {
    static final int MAX_RANK = 8;

    final int numel, rank;
    final int[] shape;
    final int[][] strides;

    private StridedLayout(int numel, int rank, int[] shape, int[][] strides) {
        this.numel = numel;
        this.rank = rank;
        this.shape = shape;
        this.strides = strides;
    }

    /** {@code strides[k]} are operand k's strides over {@code shape}. */
    static StridedLayout of(String op, int[] shape, int[]... strides) {
        int n = Shapes.numel(shape);
        int ops = strides.length;
        int[] sh = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int r = 0; // dims kept so far, innermost first
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            boolean merge = r > 0;
            for (int k = 0; merge && k < ops; k++) merge = strides[k][d] == st[k][r - 1] * sh[r - 1];
            if (merge) {
                sh[r - 1] *= shape[d];
            } else {
                sh[r] = shape[d];
                for (int k = 0; k < ops; k++) st[k][r] = strides[k][d];
                r++;
            }
        }
        if (r > MAX_RANK)
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(shape) + " with strides " + Arrays.deepToString(strides)
                    + " needs " + r + " dims after merging, more than the OpenCL kernels' " + MAX_RANK);
        int[] outShape = new int[MAX_RANK];
        int[][] outStrides = new int[ops][MAX_RANK];
        Arrays.fill(outShape, 1);
        for (int i = 0; i < r; i++) { // back to outermost first
            outShape[i] = sh[r - 1 - i];
            for (int k = 0; k < ops; k++) outStrides[k][i] = st[k][r - 1 - i];
        }
        return new StridedLayout(n, r, outShape, outStrides);
    }

    /** The strides of {@code t} read at the broadcast shape {@code to}: 0 on broadcast and new leading dims. */
    static int[] broadcastStrides(String op, Tensor t, int[] to) {
        int[] b = Shapes.broadcast(op, t.shape(), to);
        if (!Arrays.equals(b, to))
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(t.shape()) + " does not broadcast to " + Shapes.str(to));
        int[] s = new int[to.length];
        int shift = to.length - t.rank();
        for (int i = 0; i < t.rank(); i++) s[i + shift] = t.size(i) == 1 && to[i + shift] != 1 ? 0 : t.stride(i);
        return s;
    }

    /** A shape or stride list padded to {@link #MAX_RANK} lanes (with 1 for shapes, 0 for strides); fails above it. */
    static int[] lanes(String op, int[] v, int pad) {
        if (v.length > MAX_RANK)
            throw new IllegalArgumentException(op + ": rank " + v.length + " " + Shapes.str(v) + " is more than the OpenCL kernels' " + MAX_RANK);
        int[] l = new int[MAX_RANK];
        Arrays.fill(l, pad);
        System.arraycopy(v, 0, l, 0, v.length);
        return l;
    }
}
