package org.crld4j.tensor.ops;

import org.crld4j.tensor.Shapes;

/** A pooling window (torch.nn.MaxPool2d / AvgPool2d arguments): kernel, stride, padding, ceil_mode. */
public record PoolWindow(int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
    public PoolWindow {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0)
            throw new IllegalArgumentException("pool2d: invalid kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw);
        if (ph > kh / 2 || pw > kw / 2)
            throw new IllegalArgumentException("pool2d: padding " + ph + "x" + pw + " must be at most half the kernel " + kh + "x" + kw);
    }

    public static PoolWindow of(int k, int s, int p, boolean ceil) { return new PoolWindow(k, k, s, s, p, p, ceil); }

    public static int outSize(int in, int k, int s, int p, boolean ceil) {
        int num = in + 2 * p - k + (ceil ? s - 1 : 0);
        int out = Math.floorDiv(num, s) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    public int[] outShape(String op, int[] x) {
        if (x.length != 4) throw new IllegalArgumentException(op + ": input must be 4-D [N, C, H, W], got " + Shapes.str(x));
        int oh = outSize(x[2], kh, sh, ph, ceil), ow = outSize(x[3], kw, sw, pw, ceil);
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException(op + ": input " + Shapes.str(x) + " is too small for kernel " + kh + "x" + kw);
        return new int[] {x[0], x[1], oh, ow};
    }
}
