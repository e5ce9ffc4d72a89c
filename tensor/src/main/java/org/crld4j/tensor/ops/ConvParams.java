package org.crld4j.tensor.ops;

import org.crld4j.tensor.Shapes;

/** Stride, padding, dilation and groups of a 2-D convolution (PyTorch's conv2d arguments). */
public record ConvParams(int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {
    public ConvParams {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv2d: stride must be >= 1, got " + strideH + "x" + strideW);
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padH + "x" + padW);
        if (dilH < 1 || dilW < 1) throw new IllegalArgumentException("conv2d: dilation must be >= 1, got " + dilH + "x" + dilW);
        if (groups < 1) throw new IllegalArgumentException("conv2d: groups must be >= 1, got " + groups);
    }

    public static ConvParams of(int stride, int padding) { return new ConvParams(stride, stride, padding, padding, 1, 1, 1); }

    public static ConvParams of(int stride, int padding, int groups) { return new ConvParams(stride, stride, padding, padding, 1, 1, groups); }

    /**
     * The full geometry of a convolution of input x [N, C, H, W] with weight [K, C/groups, R, S];
     * fails with a message naming both shapes.
     */
    public Geometry geometry(int[] x, int[] w) {
        if (x.length != 4) throw new IllegalArgumentException("conv2d: input must be 4-D [N, C, H, W], got " + Shapes.str(x));
        if (w.length != 4) throw new IllegalArgumentException("conv2d: weight must be 4-D [K, C/groups, R, S], got " + Shapes.str(w));
        if (x[1] % groups != 0)
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(x) + " has " + x[1] + " channels, not divisible by groups=" + groups);
        if (w[0] % groups != 0)
            throw new IllegalArgumentException("conv2d: weight " + Shapes.str(w) + " has " + w[0] + " filters, not divisible by groups=" + groups);
        if (x[1] / groups != w[1])
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(x) + " has " + x[1] + " channels but weight "
                    + Shapes.str(w) + " expects " + w[1] * groups + (groups > 1 ? " (" + w[1] + " per group x " + groups + " groups)" : ""));
        int oh = (x[2] + 2 * padH - dilH * (w[2] - 1) - 1) / strideH + 1;
        int ow = (x[3] + 2 * padW - dilW * (w[3] - 1) - 1) / strideW + 1;
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("conv2d: input " + Shapes.str(x) + " is too small for kernel " + w[2] + "x" + w[3]
                    + " with padding " + padH + "x" + padW + " (output would be " + oh + "x" + ow + ")");
        return new Geometry(x[0], x[1], x[2], x[3], w[0], w[2], w[3], oh, ow, this);
    }

    /** N, C, H, W input; K filters of R x S; OH x OW output. */
    public record Geometry(int n, int c, int h, int w, int k, int r, int s, int oh, int ow, ConvParams p) {
        public int groups() { return p.groups; }
        public int cg() { return c / p.groups; }
        public int kg() { return k / p.groups; }
        /** Rows of the im2col matrix of one group: C/g * R * S. */
        public int crs() { return cg() * r * s; }
        public int ohw() { return oh * ow; }
        public int hw() { return h * w; }
        public boolean pointwise() {
            return r == 1 && s == 1 && p.strideH == 1 && p.strideW == 1 && p.padH == 0 && p.padW == 0;
        }
        public boolean depthwise() { return cg() == 1 && p.groups > 1; }
        public int[] outShape() { return new int[] {n, k, oh, ow}; }
    }
}
