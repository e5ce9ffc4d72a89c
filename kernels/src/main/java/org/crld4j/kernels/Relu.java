package org.crld4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/**
 * ReLU forward and backward, vectorised and split over the pool: on the paper's networks these
 * are the largest elementwise passes (one per block, up to 16 MB per batch), and the generic
 * elementwise path runs them on one core. The backward reads the forward's output, not its input
 * (y > 0 exactly where x > 0), so the input need not be kept alive for it. NaN propagates forward
 * and gets a zero gradient, as in PyTorch.
 */
public final class Relu {
    private static final VectorSpecies<Float> SPECIES = Sgemm.SPECIES;
    /** Elements per parallel range: below this, waking the pool costs more than it saves. */
    private static final int GRAIN = 1 << 15;

    private Relu() {}

    /** max(x, 0) as a new dense tensor. */
    public static Tensor forward(Tensor x) {
        Tensor xd = x.contiguous();
        Tensor y = Tensor.hostZeros(x.shape());
        float[] xs = xd.array(), ys = y.array();
        int xo = xd.offset(), n = ys.length;
        Parallel.forRange(ranges(n), (p, r0, r1) -> {
            int s = start(r0, n), e = start(r1, n), i = s;
            FloatVector zero = FloatVector.zero(SPECIES);
            for (int bound = s + SPECIES.loopBound(e - s); i < bound; i += SPECIES.length())
                FloatVector.fromArray(SPECIES, xs, xo + i).lanewise(VectorOperators.MAX, zero).intoArray(ys, i);
            for (; i < e; i++) ys[i] = scalar(xs[xo + i]);
        });
        return y;
    }

    /** dL/dx = g where y > 0, else 0 (y is the forward's output). */
    public static Tensor backward(Tensor g, Tensor y) {
        if (!java.util.Arrays.equals(g.shape(), y.shape()))
            throw new IllegalArgumentException("relu backward: gradient " + Shapes.str(g.shape()) + " does not match output " + Shapes.str(y.shape()));
        Tensor gd = g.contiguous(), yd = y.contiguous();
        Tensor dx = Tensor.hostZeros(y.shape());
        float[] gs = gd.array(), ys = yd.array(), ds = dx.array();
        int go = gd.offset(), yo = yd.offset(), n = ds.length;
        Parallel.forRange(ranges(n), (p, r0, r1) -> {
            int s = start(r0, n), e = start(r1, n), i = s;
            FloatVector zero = FloatVector.zero(SPECIES);
            for (int bound = s + SPECIES.loopBound(e - s); i < bound; i += SPECIES.length()) {
                FloatVector yv = FloatVector.fromArray(SPECIES, ys, yo + i);
                zero.blend(FloatVector.fromArray(SPECIES, gs, go + i), yv.compare(VectorOperators.GT, 0f)).intoArray(ds, i);
            }
            for (; i < e; i++) ds[i] = ys[yo + i] > 0f ? gs[go + i] : 0f;
        });
        return dx;
    }

    private static int ranges(int n) { return Math.max(1, n / GRAIN); }

    /** Element where range r of {@link #ranges(int)} starts (a multiple of the vector length). */
    private static int start(int r, int n) {
        int ranges = ranges(n);
        if (r >= ranges) return n;
        return (int) ((long) n * r / ranges) & -SPECIES.length();
    }

    static float scalar(float v) { return v > 0f ? v : (Float.isNaN(v) ? v : 0f); }

    /** The plain reference: one loop each way. */
    static float[] referenceForward(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = scalar(x[i]);
        return y;
    }

    static float[] referenceBackward(float[] g, float[] y) {
        float[] d = new float[g.length];
        for (int i = 0; i < g.length; i++) d[i] = y[i] > 0f ? g[i] : 0f;
        return d;
    }
}
