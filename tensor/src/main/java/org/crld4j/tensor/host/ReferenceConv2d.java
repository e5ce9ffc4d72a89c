package org.crld4j.tensor.host;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.ConvParams;

/**
 * Convolution straight from its definition, in double: the yardstick for the fast kernels, and the
 * reference backend's convolution. The forward pass and both gradients walk the same taps in the
 * same order ({@link #forEachTap}); each differs only in which of output, input and weight it
 * accumulates into.
 */
public final class ReferenceConv2d {
    private ReferenceConv2d() {}

    public static Tensor forward(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        ConvParams.Geometry g = p.geometry(x.shape(), w.shape());
        float[] xs = x.toArray(), ws = w.toArray();
        double[] y = new double[g.n() * g.k() * g.oh() * g.ow()];
        if (bias != null) {
            int plane = g.oh() * g.ow();
            for (int n = 0; n < g.n(); n++)
                for (int k = 0; k < g.k(); k++)
                    java.util.Arrays.fill(y, (n * g.k() + k) * plane, (n * g.k() + k + 1) * plane, bias.get(k));
        }
        forEachTap(g, p, (yi, xi, wi) -> y[yi] += (double) xs[xi] * ws[wi]);
        return toTensor(y, g.outShape());
    }

    public static Tensor backwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(xShape, w.shape());
        float[] dys = dy.toArray(), ws = w.toArray();
        double[] dx = new double[g.n() * g.c() * g.h() * g.w()];
        forEachTap(g, p, (yi, xi, wi) -> dx[xi] += (double) dys[yi] * ws[wi]);
        return toTensor(dx, xShape);
    }

    public static Tensor backwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(x.shape(), wShape);
        float[] dys = dy.toArray(), xs = x.toArray();
        double[] dw = new double[g.k() * g.cg() * g.r() * g.s()];
        forEachTap(g, p, (yi, xi, wi) -> dw[wi] += (double) dys[yi] * xs[xi]);
        return toTensor(dw, wShape);
    }

    /** One tap: output element yi reads input element xi through weight element wi (flat, contiguous NCHW / KCRS indices). */
    @FunctionalInterface
    private interface Tap { void at(int yi, int xi, int wi); }

    /** Every tap that lands inside the input, output by output (n, k, oy, ox), then c, r, s within an output. */
    private static void forEachTap(ConvParams.Geometry g, ConvParams p, Tap tap) {
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++) {
                int grp = k / g.kg();
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int yi = ((n * g.k() + k) * g.oh() + oy) * g.ow() + ox;
                        for (int c = 0; c < g.cg(); c++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                    int iw = ox * p.strideW() - p.padW() + s * p.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    tap.at(yi, ((n * g.c() + grp * g.cg() + c) * g.h() + ih) * g.w() + iw,
                                            ((k * g.cg() + c) * g.r() + r) * g.s() + s);
                                }
                    }
            }
    }

    private static Tensor toTensor(double[] v, int[] shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return Tensor.wrap(f, shape);
    }
}
