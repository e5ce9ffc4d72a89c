package org.crld4j.tensor.host;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/** Softmax and log-softmax over the last dim of a [rows, C] view, max-shifted, sums in double; rows run on {@link Ranges}. */
public final class Softmax {
    private Softmax() {}

    private static void check(Tensor x, String op) {
        if (x.rank() < 1) throw new IllegalArgumentException(op + ": needs at least 1 dim, got " + Shapes.str(x.shape()));
    }

    public static Tensor forward(Ranges ranges, Tensor x, boolean log) {
        check(x, log ? "log_softmax" : "softmax");
        int c = x.size(-1), rows = x.numel() / Math.max(1, c);
        float[] xs = x.dense().array();
        Tensor y = Tensor.hostZeros(x.shape());
        float[] ys = y.array();
        ranges.forRange(rows, (part, r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = r * c;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) m = Math.max(m, xs[b + j]);
                double s = 0;
                for (int j = 0; j < c; j++) s += Math.exp(xs[b + j] - m);
                if (log) {
                    double lse = m + Math.log(s);
                    for (int j = 0; j < c; j++) ys[b + j] = (float) (xs[b + j] - lse);
                } else {
                    for (int j = 0; j < c; j++) ys[b + j] = (float) (Math.exp(xs[b + j] - m) / s);
                }
            }
        });
        return y;
    }

    /** Given y = softmax(x) (or log_softmax) and dL/dy, returns dL/dx. */
    public static Tensor backward(Ranges ranges, Tensor dy, Tensor y, boolean log) {
        int c = y.size(-1), rows = y.numel() / Math.max(1, c);
        float[] ys = y.dense().array(), dys = dy.dense().array();
        Tensor dx = Tensor.hostZeros(y.shape());
        float[] dxs = dx.array();
        ranges.forRange(rows, (part, r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = r * c;
                double s = 0;
                if (log) {
                    for (int j = 0; j < c; j++) s += dys[b + j];
                    for (int j = 0; j < c; j++) dxs[b + j] = (float) (dys[b + j] - Math.exp(ys[b + j]) * s);
                } else {
                    for (int j = 0; j < c; j++) s += (double) dys[b + j] * ys[b + j];
                    for (int j = 0; j < c; j++) dxs[b + j] = (float) (ys[b + j] * (dys[b + j] - s));
                }
            }
        });
        return dx;
    }
}
