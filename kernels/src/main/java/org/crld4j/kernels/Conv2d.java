package org.crld4j.kernels;

import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/**
 * Fast 2-D convolution, NCHW, forward and both backward passes.
 * Shapes: x [N, C, H, W], weight [K, C/g, R, S], y [N, K, OH, OW].
 * 3x3 stride-1 ungrouped convolutions with at least 16 channels and filters (most of the CIFAR
 * zoo's work) go through {@link Winograd}: F(2x2, 3x3) for the forward pass (and so for the
 * flipped-convolution input gradient), F(3x3, 2x2) for the weight gradient, 2.25x fewer
 * multiply-adds than the products below.
 * Otherwise: im2col + SGEMM per image and group, the column matrix built in L2-sized chunks
 * of output rows (1x1 stride-1 convolutions use the input itself); the input gradient of stride-1
 * convolutions is a forward convolution of dy with flipped weights, of others SGEMM + col2im;
 * an optional {@link ConvEpilogue} finishes each image's output (eval-mode BN, residual, ReLU);
 * depthwise (one input channel per group): direct loops, see {@link Depthwise}.
 * Images are spread over the thread pool; the weight gradient sums one partial per thread range in
 * a fixed order, so results depend only on the thread count. {@link org.crld4j.tensor.host.ReferenceConv2d} is the yardstick.
 */
public final class Conv2d {
    private Conv2d() {}

    private static final ThreadLocal<float[][]> COL = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] colBuffer(int size) {
        float[][] h = COL.get();
        if (h[0].length < size) h[0] = new float[size];
        return h[0];
    }

    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, ConvParams p) { return forward(x, weight, bias, p, null); }

    /** As above, then the epilogue (eval-mode batch norm, residual, ReLU) on each image's output. */
    public static Tensor forward(Tensor x, Tensor weight, Tensor bias, ConvParams p, ConvEpilogue epilogue) {
        ConvParams.Geometry g = p.geometry(x.shape(), weight.shape());
        checkBias(bias, g);
        if (epilogue != null) epilogue.check(g.outShape());
        if (g.depthwise()) {
            Tensor y = Depthwise.forward(x, weight, bias, g);
            if (epilogue != null) Parallel.forEach(g.n(), n -> epilogue.apply(y.array(), n, g.k(), g.ohw()));
            return y;
        }
        Tensor xd = x.dense(), wd = weight.dense();
        Tensor y = Tensor.hostZeros(g.outShape());
        float[] xs = xd.array(), ws = wd.array(), ys = y.array();
        float[] bs = bias == null ? null : bias.dense().array();
        if (Winograd.applies(g)) {
            Sgemm.PackedA[] u = Winograd.transformWeights(ws, 0, g.k(), g.c());
            Parallel.forRange(g.n(), (part, n0, n1) -> Winograd.forward(xs, u, ys, g, n0, n1, bs, epilogue));
            return y;
        }
        int kohw = g.k() * g.ohw(), crs = g.crs(), ohw = g.ohw(), kg = g.kg();
        Sgemm.PackedA[] w = new Sgemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups(); grp++) w[grp] = Sgemm.pack(false, kg, crs, ws, grp * kg * crs, crs);
        int rows = chunkRows(g);
        Parallel.forRange(g.n(), (part, n0, n1) -> {
            float[] col = g.pointwise() ? null : colBuffer(crs * rows * g.ow());
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int yOff = n * kohw + grp * kg * ohw;
                    if (col == null) {
                        Sgemm.gemm(w[grp], false, ohw, 1f, xs, pointwiseOffset(n, grp, g), ohw, 0f, ys, yOff, ohw);
                        continue;
                    }
                    for (int y0 = 0; y0 < g.oh(); y0 += rows) {
                        int y1 = Math.min(g.oh(), y0 + rows), q = (y1 - y0) * g.ow();
                        Im2col.im2col(xs, n * g.c() * g.hw(), g, grp * g.cg(), y0, y1, col);
                        Sgemm.gemm(w[grp], false, q, 1f, col, 0, q, 0f, ys, yOff + y0 * g.ow(), ohw);
                    }
                }
                if (bs != null) addBias(ys, n * kohw, bs, g.k(), ohw);
                if (epilogue != null) epilogue.apply(ys, n, g.k(), ohw);
            }
        });
        return y;
    }

    /** Floats of column matrix per chunk: built and consumed while it still sits in L2. */
    static final int COLUMN_CHUNK = 1 << 16;

    /**
     * Output rows per column-matrix chunk. The whole matrix is R*S times the input, 2.4 MB per image
     * for the 64-channel 32x32 convolutions of the CIFAR ResNets: built at once it goes out to L3
     * and back (two threads doing that ran no faster than one). Chunks make narrow products, which
     * cost more than they save below about 1 MB, so smaller matrices are built whole.
     */
    static int chunkRows(ConvParams.Geometry g) {
        if ((long) g.crs() * g.ohw() <= 4L * COLUMN_CHUNK) return g.oh();
        return Math.max(1, Math.min(g.oh(), COLUMN_CHUNK / Math.max(1, g.crs() * g.ow())));
    }

    /** For a 1x1 stride-1 convolution the column matrix of image n, group grp is the input itself. */
    private static int pointwiseOffset(int n, int grp, ConvParams.Geometry g) {
        return n * g.c() * g.hw() + grp * g.cg() * g.hw();
    }

    static void addBias(float[] y, int off, float[] b, int k, int hw) {
        for (int c = 0; c < k; c++) {
            float v = b[c];
            int s = off + c * hw;
            for (int i = 0; i < hw; i++) y[s + i] += v;
        }
    }

    /** dL/dx given dL/dy. */
    public static Tensor backwardInput(Tensor dy, Tensor weight, int[] xShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(xShape, weight.shape());
        checkGrad(dy, g);
        if (g.depthwise()) return Depthwise.backwardInput(dy, weight, g);
        if (asForwardConvolution(g)) return forward(dy, flippedTransposed(weight.dense(), g), null,
                new ConvParams(1, 1, g.r() - 1 - p.padH(), g.s() - 1 - p.padW(), 1, 1, 1));
        Tensor dyd = dy.dense(), wd = weight.dense();
        Tensor dx = Tensor.hostZeros(xShape);
        float[] dys = dyd.array(), ws = wd.array(), dxs = dx.array();
        int chw = g.c() * g.hw(), kohw = g.k() * g.ohw(), crs = g.crs(), ohw = g.ohw(), kg = g.kg();
        Sgemm.PackedA[] wt = new Sgemm.PackedA[g.groups()];
        for (int grp = 0; grp < g.groups(); grp++) wt[grp] = Sgemm.pack(true, crs, kg, ws, grp * kg * crs, crs);
        int rows = chunkRows(g);
        Parallel.forRange(g.n(), (part, n0, n1) -> {
            float[] col = g.pointwise() ? null : colBuffer(crs * rows * g.ow());
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int dyOff = n * kohw + grp * kg * ohw;
                    if (g.pointwise()) {
                        Sgemm.gemm(wt[grp], false, ohw, 1f, dys, dyOff, ohw, 0f, dxs, n * chw + grp * g.cg() * g.hw(), ohw);
                        continue;
                    }
                    for (int y0 = 0; y0 < g.oh(); y0 += rows) { // col[:, chunk] = W^T dy[:, chunk], scattered back
                        int y1 = Math.min(g.oh(), y0 + rows), q = (y1 - y0) * g.ow();
                        Sgemm.gemm(wt[grp], false, q, 1f, dys, dyOff + y0 * g.ow(), ohw, 0f, col, 0, q);
                        Im2col.col2im(col, g, y0, y1, dxs, n * chw, grp * g.cg());
                    }
                }
            }
        });
        return dx;
    }

    /**
     * A stride-1, undilated, ungrouped convolution's input gradient is itself a convolution: of dy
     * with the weights transposed (K <-> C) and flipped, padded by R-1-pad. That product is deep
     * (K*R*S) and writes dx directly, where GEMM-then-col2im writes a column matrix R*S times
     * larger than dx and scatters it back.
     */
    private static boolean asForwardConvolution(ConvParams.Geometry g) {
        ConvParams p = g.p();
        return p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.dilH() == 1 && p.dilW() == 1
                && !g.pointwise() && p.padH() <= g.r() - 1 && p.padW() <= g.s() - 1;
    }

    /** w' [C, K, R, S] with w'[c, k, r, s] = w[k, c, R-1-r, S-1-s]. */
    private static Tensor flippedTransposed(Tensor w, ConvParams.Geometry g) {
        int k = g.k(), c = g.c(), r = g.r(), s = g.s(), rs = r * s;
        float[] src = w.array(), dst = new float[k * c * rs];
        int off = w.offset();
        for (int kk = 0; kk < k; kk++)
            for (int cc = 0; cc < c; cc++)
                for (int t = 0; t < rs; t++) dst[(cc * k + kk) * rs + (rs - 1 - t)] = src[off + (kk * c + cc) * rs + t];
        return Tensor.wrap(dst, c, k, r, s);
    }

    /** dL/dweight given dL/dy and the forward input. */
    public static Tensor backwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(x.shape(), wShape);
        checkGrad(dy, g);
        if (g.depthwise()) return Depthwise.backwardWeight(dy, x, g);
        Tensor dyd = dy.dense(), xd = x.dense();
        float[] dys = dyd.array(), xs = xd.array();
        int kohw = g.k() * g.ohw(), crs = g.crs(), ohw = g.ohw(), kg = g.kg();
        float[][] partial = new float[Parallel.parts(g.n())][];
        if (Winograd.applies(g)) { // partial sums of the 16 transformed products, summed, then transformed back
            Parallel.forRange(g.n(), (part, n0, n1) -> {
                float[] p16 = new float[16 * g.k() * g.c()];
                Winograd.backwardWeight(xs, dys, g, n0, n1, p16);
                partial[part] = p16;
            });
            return Tensor.wrap(Winograd.weightOutput(sumInOrder(partial), g.k(), g.c()), wShape);
        }
        int size = g.k() * crs, rows = chunkRows(g);
        Parallel.forRange(g.n(), (part, n0, n1) -> {
            float[] dw = new float[size];
            float[] col = g.pointwise() ? null : colBuffer(crs * rows * g.ow());
            for (int n = n0; n < n1; n++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    int dyOff = n * kohw + grp * kg * ohw;
                    if (col == null) {
                        Sgemm.gemm(false, true, kg, crs, ohw, 1f, dys, dyOff, ohw, xs, pointwiseOffset(n, grp, g), ohw,
                                1f, dw, grp * kg * crs, crs);
                        continue;
                    }
                    for (int y0 = 0; y0 < g.oh(); y0 += rows) { // dw += dy[:, chunk] col[chunk]^T
                        int y1 = Math.min(g.oh(), y0 + rows), q = (y1 - y0) * g.ow();
                        Im2col.im2col(xs, n * g.c() * g.hw(), g, grp * g.cg(), y0, y1, col);
                        Sgemm.gemm(false, true, kg, crs, q, 1f, dys, dyOff + y0 * g.ow(), ohw, col, 0, q,
                                1f, dw, grp * kg * crs, crs);
                    }
                }
            }
            partial[part] = dw;
        });
        return Tensor.wrap(sumInOrder(partial), wShape);
    }

    /** partial[0] += partial[1] + ... in index order, so the sum depends only on the thread count. */
    private static float[] sumInOrder(float[][] partial) {
        float[] sum = partial[0];
        for (int i = 1; i < partial.length; i++) {
            float[] q = partial[i];
            for (int j = 0; j < sum.length; j++) sum[j] += q[j];
        }
        return sum;
    }

    /** dL/dbias: dy summed over N, OH, OW (double accumulation, per channel). */
    public static Tensor backwardBias(Tensor dy) {
        if (dy.rank() != 4) throw new IllegalArgumentException("conv2d bias grad: dy must be 4-D, got " + Shapes.str(dy.shape()));
        return dy.sum(new int[] {0, 2, 3}, false);
    }

    private static void checkBias(Tensor bias, ConvParams.Geometry g) {
        if (bias != null && (bias.rank() != 1 || bias.size(0) != g.k()))
            throw new IllegalArgumentException("conv2d: bias " + Shapes.str(bias.shape()) + " does not match " + g.k() + " filters");
    }

    private static void checkGrad(Tensor dy, ConvParams.Geometry g) {
        if (!java.util.Arrays.equals(dy.shape(), g.outShape()))
            throw new IllegalArgumentException("conv2d backward: grad_output " + Shapes.str(dy.shape())
                    + " does not match the output shape " + Shapes.str(g.outShape()));
    }
}
