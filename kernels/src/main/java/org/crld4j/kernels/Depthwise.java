package org.crld4j.kernels;

import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.Tensor;

/**
 * Depthwise convolution (one input channel per group, M = K/C filters per channel) as direct
 * loops: for each kernel tap the valid output columns are computed once, so the inner loop is a
 * plain strided multiply-add the JIT vectorises. Planes are spread over the pool; the weight
 * gradient of each filter is summed over images by one thread, so it is thread-count independent.
 */
final class Depthwise {
    private Depthwise() {}

    static Tensor forward(Tensor x, Tensor weight, Tensor bias, ConvParams.Geometry g) {
        float[] xs = x.dense().array(), ws = weight.dense().array();
        float[] bs = bias == null ? null : bias.dense().array();
        Tensor y = Tensor.hostZeros(g.outShape());
        float[] ys = y.array();
        int m = g.kg(), hw = g.hw(), ohw = g.ohw(), rs = g.r() * g.s();
        ConvParams p = g.p();
        Parallel.forRange(g.n() * g.k(), (part, s0, s1) -> {
            for (int nk = s0; nk < s1; nk++) {
                int n = nk / g.k(), k = nk % g.k(), c = k / m;
                int xPlane = (n * g.c() + c) * hw, yPlane = nk * ohw;
                if (bs != null) java.util.Arrays.fill(ys, yPlane, yPlane + ohw, bs[k]);
                for (int r = 0; r < g.r(); r++) {
                    for (int s = 0; s < g.s(); s++) {
                        float wv = ws[k * rs + r * g.s() + s];
                        int shift = s * p.dilW() - p.padW();
                        int lo = Im2col.lowerOut(shift, p.strideW()), hi = Im2col.upperOut(shift, p.strideW(), g.w(), g.ow());
                        if (lo > hi) continue;
                        for (int oy = 0; oy < g.oh(); oy++) {
                            int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                            if (ih < 0 || ih >= g.h()) continue;
                            int src = xPlane + ih * g.w() + shift, dst = yPlane + oy * g.ow();
                            if (p.strideW() == 1) for (int ox = lo; ox <= hi; ox++) ys[dst + ox] += wv * xs[src + ox];
                            else for (int ox = lo; ox <= hi; ox++) ys[dst + ox] += wv * xs[src + ox * p.strideW()];
                        }
                    }
                }
            }
        });
        return y;
    }

    static Tensor backwardInput(Tensor dy, Tensor weight, ConvParams.Geometry g) {
        float[] dys = dy.dense().array(), ws = weight.dense().array();
        Tensor dx = Tensor.hostZeros(g.n(), g.c(), g.h(), g.w());
        float[] dxs = dx.array();
        int m = g.kg(), hw = g.hw(), ohw = g.ohw(), rs = g.r() * g.s();
        ConvParams p = g.p();
        Parallel.forRange(g.n() * g.c(), (part, s0, s1) -> {
            for (int nc = s0; nc < s1; nc++) {
                int n = nc / g.c(), c = nc % g.c();
                int xPlane = nc * hw;
                for (int k = c * m; k < c * m + m; k++) {
                    int yPlane = (n * g.k() + k) * ohw;
                    for (int r = 0; r < g.r(); r++) {
                        for (int s = 0; s < g.s(); s++) {
                            float wv = ws[k * rs + r * g.s() + s];
                            int shift = s * p.dilW() - p.padW();
                            int lo = Im2col.lowerOut(shift, p.strideW()), hi = Im2col.upperOut(shift, p.strideW(), g.w(), g.ow());
                            if (lo > hi) continue;
                            for (int oy = 0; oy < g.oh(); oy++) {
                                int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                if (ih < 0 || ih >= g.h()) continue;
                                int dst = xPlane + ih * g.w() + shift, src = yPlane + oy * g.ow();
                                if (p.strideW() == 1) for (int ox = lo; ox <= hi; ox++) dxs[dst + ox] += wv * dys[src + ox];
                                else for (int ox = lo; ox <= hi; ox++) dxs[dst + ox * p.strideW()] += wv * dys[src + ox];
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    static Tensor backwardWeight(Tensor dy, Tensor x, ConvParams.Geometry g) {
        float[] dys = dy.dense().array(), xs = x.dense().array();
        int m = g.kg(), hw = g.hw(), ohw = g.ohw(), rs = g.r() * g.s();
        Tensor dw = Tensor.hostZeros(g.k(), 1, g.r(), g.s());
        float[] dws = dw.array();
        ConvParams p = g.p();
        Parallel.forRange(g.k(), (part, k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int c = k / m;
                for (int r = 0; r < g.r(); r++) {
                    for (int s = 0; s < g.s(); s++) {
                        int shift = s * p.dilW() - p.padW();
                        int lo = Im2col.lowerOut(shift, p.strideW()), hi = Im2col.upperOut(shift, p.strideW(), g.w(), g.ow());
                        double acc = 0;
                        if (lo <= hi) {
                            for (int n = 0; n < g.n(); n++) {
                                int xPlane = (n * g.c() + c) * hw, yPlane = (n * g.k() + k) * ohw;
                                for (int oy = 0; oy < g.oh(); oy++) {
                                    int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                    if (ih < 0 || ih >= g.h()) continue;
                                    int src = xPlane + ih * g.w() + shift, dyAt = yPlane + oy * g.ow();
                                    float rowSum = 0f;
                                    for (int ox = lo; ox <= hi; ox++) rowSum += dys[dyAt + ox] * xs[src + ox * p.strideW()];
                                    acc += rowSum;
                                }
                            }
                        }
                        dws[k * rs + r * g.s() + s] = (float) acc;
                    }
                }
            }
        });
        return dw;
    }
}
