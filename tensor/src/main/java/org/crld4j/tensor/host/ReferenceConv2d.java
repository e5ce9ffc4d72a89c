package org.crld4j.tensor.host;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.ConvParams;

/** Convolution straight from its definition, in double: the yardstick for the fast kernels, and the reference backend's convolution. */
public final class ReferenceConv2d {
    private ReferenceConv2d() {}

    public static Tensor forward(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        ConvParams.Geometry g = p.geometry(x.shape(), w.shape());
        Tensor y = Tensor.hostZeros(g.outShape());
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++) {
                int grp = k / g.kg();
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double acc = bias == null ? 0 : bias.get(k);
                        for (int c = 0; c < g.cg(); c++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                    int iw = ox * p.strideW() - p.padW() + s * p.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    acc += (double) x.get(n, grp * g.cg() + c, ih, iw) * w.get(k, c, r, s);
                                }
                        y.set((float) acc, n, k, oy, ox);
                    }
            }
        return y;
    }

    public static Tensor backwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(xShape, w.shape());
        double[] dx = new double[g.n() * g.c() * g.h() * g.w()];
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++) {
                int grp = k / g.kg();
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double d = dy.get(n, k, oy, ox);
                        for (int c = 0; c < g.cg(); c++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                    int iw = ox * p.strideW() - p.padW() + s * p.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    dx[((n * g.c() + grp * g.cg() + c) * g.h() + ih) * g.w() + iw] += d * w.get(k, c, r, s);
                                }
                    }
            }
        return toTensor(dx, xShape);
    }

    public static Tensor backwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) {
        ConvParams.Geometry g = p.geometry(x.shape(), wShape);
        double[] dw = new double[g.k() * g.cg() * g.r() * g.s()];
        for (int n = 0; n < g.n(); n++)
            for (int k = 0; k < g.k(); k++) {
                int grp = k / g.kg();
                for (int oy = 0; oy < g.oh(); oy++)
                    for (int ox = 0; ox < g.ow(); ox++) {
                        double d = dy.get(n, k, oy, ox);
                        for (int c = 0; c < g.cg(); c++)
                            for (int r = 0; r < g.r(); r++)
                                for (int s = 0; s < g.s(); s++) {
                                    int ih = oy * p.strideH() - p.padH() + r * p.dilH();
                                    int iw = ox * p.strideW() - p.padW() + s * p.dilW();
                                    if (ih < 0 || ih >= g.h() || iw < 0 || iw >= g.w()) continue;
                                    dw[((k * g.cg() + c) * g.r() + r) * g.s() + s] += d * x.get(n, grp * g.cg() + c, ih, iw);
                                }
                    }
            }
        return toTensor(dw, wShape);
    }

    private static Tensor toTensor(double[] v, int[] shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return Tensor.wrap(f, shape);
    }
}
