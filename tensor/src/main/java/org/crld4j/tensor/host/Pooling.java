package org.crld4j.tensor.host;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;

/**
 * Max and average pooling over NCHW planes with PyTorch's semantics: padding (max: acts as -inf;
 * avg: zeros, counted in the divisor when count_include_pad), ceil_mode (a last window must start
 * inside the input or left padding), and adaptive average pooling's floor/ceil windows.
 * Planes are independent: {@link Ranges} runs them serially or on a pool.
 */
public final class Pooling {
    private Pooling() {}

    public static PoolResult maxForward(Ranges ranges, Tensor x, PoolWindow win) {
        int[] os = win.outShape("max_pool2d", x.shape());
        float[] xs = x.dense().array();
        Tensor y = Tensor.hostZeros(os);
        float[] ys = y.array();
        int[] arg = new int[ys.length];
        int h = x.size(2), w = x.size(3), oh = os[2], ow = os[3];
        ranges.forRange(os[0] * os[1], (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int xb = pl * h * w, yb = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * win.sh() - win.ph(), y1 = Math.min(y0 + win.kh(), h);
                    y0 = Math.max(y0, 0);
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * win.sw() - win.pw(), x1 = Math.min(x0 + win.kw(), w);
                        x0 = Math.max(x0, 0);
                        float best = Float.NEGATIVE_INFINITY;
                        int bi = y0 * w + x0;
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) {
                                float v = xs[xb + iy * w + ix];
                                if (v > best || Float.isNaN(v)) { best = v; bi = iy * w + ix; if (Float.isNaN(v)) { iy = y1; break; } }
                            }
                        ys[yb + oy * ow + ox] = best;
                        arg[yb + oy * ow + ox] = bi;
                    }
                }
            }
        });
        return new PoolResult(y, arg);
    }

    public static Tensor maxBackward(Ranges ranges, Tensor dy, int[] argmax, int[] xShape) {
        float[] dys = dy.dense().array();
        Tensor dx = Tensor.hostZeros(xShape);
        float[] dxs = dx.array();
        int hw = xShape[2] * xShape[3], ohw = dy.size(2) * dy.size(3);
        ranges.forRange(xShape[0] * xShape[1], (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++)
                for (int i = 0; i < ohw; i++) dxs[pl * hw + argmax[pl * ohw + i]] += dys[pl * ohw + i];
        });
        return dx;
    }

    public static Tensor avgForward(Ranges ranges, Tensor x, PoolWindow win, boolean countIncludePad) {
        int[] os = win.outShape("avg_pool2d", x.shape());
        float[] xs = x.dense().array();
        Tensor y = Tensor.hostZeros(os);
        float[] ys = y.array();
        int h = x.size(2), w = x.size(3), oh = os[2], ow = os[3];
        ranges.forRange(os[0] * os[1], (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int xb = pl * h * w, yb = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int[] b = avgBounds(win, oy, ox, h, w, countIncludePad);
                        float s = 0f;
                        for (int iy = b[0]; iy < b[1]; iy++)
                            for (int ix = b[2]; ix < b[3]; ix++) s += xs[xb + iy * w + ix];
                        ys[yb + oy * ow + ox] = s / b[4];
                    }
            }
        });
        return y;
    }

    /** {y0, y1, x0, x1, divisor} of one avg-pool window, as PyTorch's avg_pool2d computes them. */
    private static int[] avgBounds(PoolWindow win, int oy, int ox, int h, int w, boolean countIncludePad) {
        int y0 = oy * win.sh() - win.ph(), x0 = ox * win.sw() - win.pw();
        int y1 = Math.min(y0 + win.kh(), h + win.ph()), x1 = Math.min(x0 + win.kw(), w + win.pw());
        int poolSize = (y1 - y0) * (x1 - x0);
        y0 = Math.max(y0, 0);
        x0 = Math.max(x0, 0);
        y1 = Math.min(y1, h);
        x1 = Math.min(x1, w);
        int div = countIncludePad ? poolSize : (y1 - y0) * (x1 - x0);
        return new int[] {y0, y1, x0, x1, div};
    }

    public static Tensor avgBackward(Ranges ranges, Tensor dy, int[] xShape, PoolWindow win, boolean countIncludePad) {
        float[] dys = dy.dense().array();
        Tensor dx = Tensor.hostZeros(xShape);
        float[] dxs = dx.array();
        int h = xShape[2], w = xShape[3], oh = dy.size(2), ow = dy.size(3);
        ranges.forRange(xShape[0] * xShape[1], (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++) {
                int xb = pl * h * w, yb = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int[] b = avgBounds(win, oy, ox, h, w, countIncludePad);
                        float g = dys[yb + oy * ow + ox] / b[4];
                        for (int iy = b[0]; iy < b[1]; iy++)
                            for (int ix = b[2]; ix < b[3]; ix++) dxs[xb + iy * w + ix] += g;
                    }
            }
        });
        return dx;
    }

    private static int start(int o, int in, int out) { return (int) Math.floor((double) o * in / out); }

    private static int end(int o, int in, int out) { return (int) Math.ceil((double) (o + 1) * in / out); }

    public static Tensor adaptiveAvgForward(Ranges ranges, Tensor x, int oh, int ow) {
        if (x.rank() != 4) throw new IllegalArgumentException("adaptive_avg_pool2d: input must be 4-D, got " + Shapes.str(x.shape()));
        if (oh < 1 || ow < 1) throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got " + oh + "x" + ow);
        float[] xs = x.dense().array();
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Tensor y = Tensor.hostZeros(n, c, oh, ow);
        float[] ys = y.array();
        ranges.forRange(n * c, (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int y0 = start(oy, h, oh), y1 = end(oy, h, oh), x0 = start(ox, w, ow), x1 = end(ox, w, ow);
                        float s = 0f;
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) s += xs[pl * h * w + iy * w + ix];
                        ys[(pl * oh + oy) * ow + ox] = s / ((y1 - y0) * (x1 - x0));
                    }
        });
        return y;
    }

    public static Tensor adaptiveAvgBackward(Ranges ranges, Tensor dy, int[] xShape) {
        float[] dys = dy.dense().array();
        int h = xShape[2], w = xShape[3], oh = dy.size(2), ow = dy.size(3);
        Tensor dx = Tensor.hostZeros(xShape);
        float[] dxs = dx.array();
        ranges.forRange(xShape[0] * xShape[1], (part, p0, p1) -> {
            for (int pl = p0; pl < p1; pl++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        int y0 = start(oy, h, oh), y1 = end(oy, h, oh), x0 = start(ox, w, ow), x1 = end(ox, w, ow);
                        float g = dys[(pl * oh + oy) * ow + ox] / ((y1 - y0) * (x1 - x0));
                        for (int iy = y0; iy < y1; iy++)
                            for (int ix = x0; ix < x1; ix++) dxs[pl * h * w + iy * w + ix] += g;
                    }
        });
        return dx;
    }
}
