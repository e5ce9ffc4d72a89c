package org.crld4j.kernels;

import org.crld4j.tensor.ops.ConvParams;

/** im2col and its adjoint col2im for one image and one group (rows C/g*R*S, columns OH*OW). */
final class Im2col {
    private Im2col() {}

    /**
     * Output rows [y0, y1) of the column matrix: col[(c*R + r)*S + s][(oh - y0)*OW + ow] =
     * x[c0 + c, oh*sh - ph + r*dh, ow*sw - pw + s*dw], 0 outside.
     */
    static void im2col(float[] x, int xOff, ConvParams.Geometry g, int c0, int y0, int y1, float[] col) {
        ConvParams p = g.p();
        int h = g.h(), w = g.w(), ow = g.ow(), sw = p.strideW(), width = (y1 - y0) * ow;
        int row = 0;
        for (int c = 0; c < g.cg(); c++) {
            int plane = xOff + (c0 + c) * h * w;
            for (int r = 0; r < g.r(); r++) {
                for (int s = 0; s < g.s(); s++, row++) {
                    int dst = row * width;
                    int colShift = s * p.dilW() - p.padW();
                    int lo = lowerOut(colShift, sw), hi = upperOut(colShift, sw, w, ow);
                    for (int y = y0; y < y1; y++, dst += ow) {
                        int ih = y * p.strideH() - p.padH() + r * p.dilH();
                        if (ih < 0 || ih >= h || lo > hi) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        int src = plane + ih * w + colShift;
                        for (int xo = 0; xo < lo; xo++) col[dst + xo] = 0f;
                        if (sw == 1) System.arraycopy(x, src + lo, col, dst + lo, hi - lo + 1);
                        else for (int xo = lo; xo <= hi; xo++) col[dst + xo] = x[src + xo * sw];
                        for (int xo = hi + 1; xo < ow; xo++) col[dst + xo] = 0f;
                    }
                }
            }
        }
    }

    /** dx[c0 + c, ...] += the column entries (output rows [y0, y1)) that im2col read from there. */
    static void col2im(float[] col, ConvParams.Geometry g, int y0, int y1, float[] dx, int dxOff, int c0) {
        ConvParams p = g.p();
        int h = g.h(), w = g.w(), ow = g.ow(), sw = p.strideW(), width = (y1 - y0) * ow;
        int row = 0;
        for (int c = 0; c < g.cg(); c++) {
            int plane = dxOff + (c0 + c) * h * w;
            for (int r = 0; r < g.r(); r++) {
                for (int s = 0; s < g.s(); s++, row++) {
                    int src = row * width;
                    int colShift = s * p.dilW() - p.padW();
                    int lo = lowerOut(colShift, sw), hi = upperOut(colShift, sw, w, ow);
                    for (int y = y0; y < y1; y++, src += ow) {
                        int ih = y * p.strideH() - p.padH() + r * p.dilH();
                        if (ih < 0 || ih >= h) continue;
                        int dst = plane + ih * w + colShift;
                        if (sw == 1) for (int xo = lo; xo <= hi; xo++) dx[dst + xo] += col[src + xo];
                        else for (int xo = lo; xo <= hi; xo++) dx[dst + xo * sw] += col[src + xo];
                    }
                }
            }
        }
    }

    /** First output column whose input column xo*sw + shift is >= 0. */
    static int lowerOut(int shift, int sw) { return shift >= 0 ? 0 : (-shift + sw - 1) / sw; }

    /** Last output column whose input column is < w (may be < lowerOut when none is). */
    static int upperOut(int shift, int sw, int w, int ow) {
        int last = w - 1 - shift;
        if (last < 0) return -1;
        return Math.min(ow - 1, last / sw);
    }
}
