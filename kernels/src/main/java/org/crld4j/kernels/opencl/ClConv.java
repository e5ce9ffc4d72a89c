package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.ConvParams;

import java.util.Arrays;

/**
 * Convolution and its input and weight gradients on the device (conv.cl): implicit GEMM per
 * group (im2col folded into the tile loads), depthwise convolution by its own direct kernels.
 * Programs are specialised per filter geometry (-D R, S, stride, padding, dilation) and tile
 * shape. Operands are read through their strides; no atomics, fixed summation order.
 */
final class ClConv {
    private static final String SOURCE = "conv";
    private static final int FWD = 1, DGRAD = 2, WGRAD = 3;
    private static final int TK = 16, WPT = 4;
    /** The weight gradient's reduction over N*OH*OW is split in chunks of about this many positions. */
    static final int WGRAD_CHUNK = 1024;
    static final int MAX_SPLITS = 64;
    /** At most this many floats of weight-gradient partial sums (16 MiB). */
    static final long MAX_PARTIAL_FLOATS = 4L << 20;

    private final ClDevice device;

    ClConv(ClDevice device) { this.device = device; }

    Tensor forward(Tensor x, Tensor w, Tensor bias, ConvParams p) { return forward(x, w, bias, p, null); }

    /**
     * Eval-mode {@code relu?(batch_norm(conv2d(x)) + residual?)} in one pass: the forward kernel with
     * -D EPILOGUE, equal bit for bit to conv2d, batchNorm (eval), add and relu run separately.
     */
    Tensor forwardBatchNormEval(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor gamma, Tensor beta, Tensor runningMean,
                                Tensor runningVar, float eps, Tensor residual, boolean relu, ClBatchNorm bn) {
        String op = "conv2d+batch_norm (eval)";
        ConvParams.Geometry g = geometry(op, x.shape(), w.shape(), p);
        for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar})
            if (t != null && (t.rank() != 1 || t.size(0) != g.k()))
                throw new IllegalArgumentException(op + " on " + device.name() + ": a batch-norm vector " + Shapes.str(t.shape())
                        + " does not match the " + g.k() + " filters of weight " + Shapes.str(w.shape()));
        if (runningMean == null || runningVar == null)
            throw new IllegalArgumentException(op + " on " + device.name() + ": eval mode needs running_mean and running_var");
        if (residual != null && !Arrays.equals(residual.shape(), g.outShape()))
            throw new IllegalArgumentException(op + " on " + device.name() + ": residual " + Shapes.str(residual.shape())
                    + " does not match the output " + Shapes.str(g.outShape()));
        Tensor stats = device.empty(2, g.k());
        bn.evalStats(runningMean, runningVar, eps, stats);
        Object[] epilogue = concat(new Object[] {stats}, ClBatchNorm.vector(gamma, stats), ClBatchNorm.vector(beta, stats),
                residual == null ? new Object[] {0, stats, 0, new int[4]} : new Object[] {1, residual, residual.offset(), residual.strides()},
                new Object[] {relu ? 1 : 0});
        return forward(x, w, bias, p, epilogue);
    }

    /** The forward convolution, with the batch-norm epilogue's arguments when {@code epilogue} is not null. */
    private Tensor forward(Tensor x, Tensor w, Tensor bias, ConvParams p, Object[] epilogue) {
        ConvParams.Geometry g = geometry("conv2d", x.shape(), w.shape(), p);
        if (bias != null && (bias.rank() != 1 || bias.size(0) != g.k()))
            throw new IllegalArgumentException("conv2d: bias " + Shapes.str(bias.shape()) + " does not match the " + g.k()
                    + " filters of weight " + Shapes.str(w.shape()) + " on " + device.name());
        Tensor y = device.empty(g.outShape());
        Tensor b = bias == null ? y : bias;
        Object[] biasArgs = {b, bias == null ? 0 : bias.offset(), bias == null ? 0 : bias.stride(0), bias == null ? 0 : 1};
        String fused = epilogue == null ? "" : " -DEPILOGUE";
        Object[] tail = epilogue == null ? new Object[0] : epilogue;
        if (g.depthwise()) {
            device.launch(device.kernel(SOURCE, depthwiseOptions(g) + fused, "dw_forward"), new long[] {y.numel()}, new long[] {device.localSize()},
                    concat(dims(g), operand(x), operand(w), biasArgs, new Object[] {y}, tail));
        } else {
            gemm(FWD, g, g.kg(), g.n() * g.ohw(), g.groups(), w, x, biasArgs, y, 1, 0, fused, tail);
        }
        return y;
    }

    Tensor backwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        ConvParams.Geometry g = geometry("conv2d backward input", xShape, w.shape(), p);
        checkDy("conv2d backward input", dy, g);
        Tensor dx = device.empty(xShape);
        if (g.depthwise()) {
            device.launch(device.kernel(SOURCE, depthwiseOptions(g), "dw_backward_input"), new long[] {dx.numel()},
                    new long[] {device.localSize()}, concat(dims(g), operand(dy), operand(w), new Object[] {dx}));
        } else {
            gemm(DGRAD, g, g.cg(), g.n() * g.hw(), g.groups(), w, dy, noBias(dx), dx, 1, 0, "", new Object[0]);
        }
        return dx;
    }

    Tensor backwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        ConvParams.Geometry g = geometry("conv2d backward weight", x.shape(), wShape, p);
        checkDy("conv2d backward weight", dy, g);
        Tensor dw = device.empty(wShape);
        if (g.depthwise()) {
            int group = device.localSize();
            device.launch(device.kernel(SOURCE, depthwiseOptions(g), "dw_backward_weight"), new long[] {(long) g.k() * group},
                    new long[] {group}, concat(dims(g), operand(dy), operand(x), new Object[] {dw}));
            return dw;
        }
        // the reduction over N*OH*OW in fixed chunks (splits), summed afterwards in split order: enough
        // work-groups for a GPU when K x C*R*S is small, and still no atomics
        int npq = g.n() * g.ohw();
        long outFloats = (long) g.k() * g.crs();
        int splits = (int) Math.max(1, Math.min(Math.min(MAX_SPLITS, ceilDiv(npq, WGRAD_CHUNK)), MAX_PARTIAL_FLOATS / outFloats));
        int chunk = ceilDiv(ceilDiv(npq, splits), TK) * TK;
        splits = ceilDiv(npq, chunk);
        if (splits == 1) {
            gemm(WGRAD, g, g.kg(), g.crs(), g.groups(), dy, x, noBias(dw), dw, 1, npq, "", new Object[0]);
            return dw;
        }
        Tensor part = device.empty(splits, (int) outFloats);
        gemm(WGRAD, g, g.kg(), g.crs(), g.groups() * splits, dy, x, noBias(part), part, splits, chunk, "", new Object[0]);
        device.launch(device.kernel(SOURCE, gemmOptions(WGRAD, g, g.kg()), "conv_sum_splits"), new long[] {outFloats},
                new long[] {device.localSize()}, (int) outFloats, splits, part, dw);
        return dw;
    }

    // ---------------------------------------------------------------- launching

    private void gemm(int mode, ConvParams.Geometry g, int rows, int cols, int zGroups, Tensor a, Tensor b, Object[] biasArgs,
                      Tensor out, int splits, int chunk, String extraOptions, Object[] tail) {
        int tm = tileRows(rows), tn = tileCols();
        long[] local = {tn / WPT, tm / WPT, 1};
        long[] global = {(long) ceilDiv(cols, tn) * local[0], (long) ceilDiv(rows, tm) * local[1], zGroups};
        device.launch(device.kernel(SOURCE, gemmOptions(mode, g, rows) + extraOptions, "conv_gemm"), global, local,
                concat(dims(g), operand(a), operand(b), biasArgs, new Object[] {out, splits, chunk}, tail));
    }

    /** 64 output columns per tile where a work-group may have 256 items, else 32. */
    private int tileCols() { return device.localSize() >= 256 ? 64 : 32; }

    /** The smallest of 16, 32, 64 rows that covers {@code rows} (few filters need no 64-row tile), within the group size. */
    private int tileRows(int rows) {
        int tm = rows <= 16 ? 16 : rows <= 32 ? 32 : 64;
        while (tm > 16 && (tm / WPT) * (tileCols() / WPT) > device.localSize()) tm /= 2;
        return tm;
    }

    private String gemmOptions(int mode, ConvParams.Geometry g, int rows) {
        return geometryOptions(g) + " -DMODE=" + mode + " -DTM=" + tileRows(rows) + " -DTN=" + tileCols() + " -DTK=" + TK + " -DWPT=" + WPT;
    }

    private String depthwiseOptions(ConvParams.Geometry g) { return geometryOptions(g) + " -DDEPTHWISE -DGROUP=" + device.localSize(); }

    private static String geometryOptions(ConvParams.Geometry g) {
        ConvParams p = g.p();
        return "-DR=" + g.r() + " -DS=" + g.s() + " -DSH=" + p.strideH() + " -DSW=" + p.strideW() + " -DPH=" + p.padH() + " -DPW=" + p.padW()
                + " -DDH=" + p.dilH() + " -DDW=" + p.dilW();
    }

    /** xdim = (N, C, H, W), ydim = (K, OH, OW, G). */
    private static Object[] dims(ConvParams.Geometry g) {
        return new Object[] {new int[] {g.n(), g.c(), g.h(), g.w()}, new int[] {g.k(), g.oh(), g.ow(), g.groups()}};
    }

    /** A 4-D operand as (buffer, offset, int4 strides). */
    private static Object[] operand(Tensor t) { return new Object[] {t, t.offset(), t.strides()}; }

    private static Object[] noBias(Tensor any) { return new Object[] {any, 0, 0, 0}; }

    private static Object[] concat(Object[]... parts) {
        Object[] all = new Object[Arrays.stream(parts).mapToInt(a -> a.length).sum()];
        int i = 0;
        for (Object[] p : parts) for (Object o : p) all[i++] = o;
        return all;
    }

    // ---------------------------------------------------------------- checks

    private ConvParams.Geometry geometry(String op, int[] x, int[] w, ConvParams p) {
        try {
            return p.geometry(x, w);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + " on " + device.name() + ": " + e.getMessage(), e);
        }
    }

    private void checkDy(String op, Tensor dy, ConvParams.Geometry g) {
        if (!Arrays.equals(dy.shape(), g.outShape()))
            throw new IllegalArgumentException(op + " on " + device.name() + ": dy " + Shapes.str(dy.shape()) + " is not the output shape "
                    + Shapes.str(g.outShape()) + " of input " + Shapes.str(new int[] {g.n(), g.c(), g.h(), g.w()}) + " and weight "
                    + Shapes.str(new int[] {g.k(), g.cg(), g.r(), g.s()}));
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
