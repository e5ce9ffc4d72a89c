package org.crld4j.tensor;

import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.UnaryOp;

/** Elementwise kernels with NumPy broadcasting over any strided layout. */
final class Elementwise {
    private Elementwise() {}

    static float apply(BinaryOp op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> (float) Math.pow(a, b);
            case MAX -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.max(a, b);
            case MIN -> Float.isNaN(a) || Float.isNaN(b) ? Float.NaN : Math.min(a, b);
            case EQ -> a == b ? 1f : 0f;
            case NE -> a != b ? 1f : 0f;
            case GT -> a > b ? 1f : 0f;
            case GE -> a >= b ? 1f : 0f;
            case LT -> a < b ? 1f : 0f;
            case LE -> a <= b ? 1f : 0f;
        };
    }

    static Tensor binary(Tensor a, Tensor b, BinaryOp op, String name) {
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor out = Tensor.hostZeros(shape);
        binaryInto(out, a, b, op, name);
        return out;
    }

    /** out = a op b; out's shape must be the broadcast shape (out may alias a). */
    static void binaryInto(Tensor out, Tensor a, Tensor b, BinaryOp op, String name) {
        int[] shape = out.shape();
        int[] bs = Shapes.broadcast(name, a.shape(), b.shape());
        if (!java.util.Arrays.equals(Shapes.broadcast(name, bs, shape), shape))
            throw new IllegalArgumentException(name + ": result of shape " + Shapes.str(bs) + " does not fit output " + Shapes.str(shape));
        float[] o = out.array(), x = a.array(), y = b.array();
        if (out.isContiguous() && a.isContiguous() && b.isContiguous() && a.sameShape(out) && b.sameShape(out)) {
            int n = out.numel(), oo = out.offset(), ao = a.offset(), bo = b.offset();
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = x[ao + i] + y[bo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = x[ao + i] - y[bo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = x[ao + i] * y[bo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = x[ao + i] / y[bo + i]; }
                default -> { for (int i = 0; i < n; i++) o[oo + i] = apply(op, x[ao + i], y[bo + i]); }
            }
            return;
        }
        int[][] st = {out.strides(), Strided.broadcastStrides(a, shape), Strided.broadcastStrides(b, shape)};
        Strided.forEachRow(shape, st, new int[] {out.offset(), a.offset(), b.offset()}, (off, len) -> {
            int so = st[0].length == 0 ? 0 : st[0][st[0].length - 1];
            int sa = st[1].length == 0 ? 0 : st[1][st[1].length - 1];
            int sb = st[2].length == 0 ? 0 : st[2][st[2].length - 1];
            int po = off[0], pa = off[1], pb = off[2];
            for (int i = 0; i < len; i++, po += so, pa += sa, pb += sb) o[po] = apply(op, x[pa], y[pb]);
        });
    }

    // Unary operations have their own loops (a lambda per element would be a megamorphic call).

    /** A new dense tensor op(t) (arg, arg2: scalar operands), looping over contiguous data directly. */
    static Tensor unary(Tensor t, UnaryOp op, float arg, float arg2) {
        Tensor src = t.contiguous();
        Tensor out = Tensor.hostZeros(t.shape());
        float[] x = src.array(), o = out.array();
        int n = o.length, off = src.offset();
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) o[i] = -x[off + i]; }
            case EXP -> { for (int i = 0; i < n; i++) o[i] = (float) Math.exp(x[off + i]); }
            case LOG -> { for (int i = 0; i < n; i++) o[i] = (float) Math.log(x[off + i]); }
            case SQRT -> { for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(x[off + i]); }
            case ABS -> { for (int i = 0; i < n; i++) o[i] = Math.abs(x[off + i]); }
            case RELU -> { for (int i = 0; i < n; i++) { float v = x[off + i]; o[i] = v > 0f ? v : (Float.isNaN(v) ? v : 0f); } }
            case SIGN -> { for (int i = 0; i < n; i++) o[i] = Math.signum(x[off + i]); }
            case ADD -> { for (int i = 0; i < n; i++) o[i] = x[off + i] + arg; }
            case MUL -> { for (int i = 0; i < n; i++) o[i] = x[off + i] * arg; }
            case DIV -> { for (int i = 0; i < n; i++) o[i] = x[off + i] / arg; }
            case POW -> { for (int i = 0; i < n; i++) o[i] = (float) Math.pow(x[off + i], arg); }
            case GT -> { for (int i = 0; i < n; i++) o[i] = x[off + i] > arg ? 1f : 0f; }
            case GE -> { for (int i = 0; i < n; i++) o[i] = x[off + i] >= arg ? 1f : 0f; }
            case LT -> { for (int i = 0; i < n; i++) o[i] = x[off + i] < arg ? 1f : 0f; }
            case LE -> { for (int i = 0; i < n; i++) o[i] = x[off + i] <= arg ? 1f : 0f; }
            case EQ -> { for (int i = 0; i < n; i++) o[i] = x[off + i] == arg ? 1f : 0f; }
            case CLAMP -> { for (int i = 0; i < n; i++) { float v = x[off + i]; o[i] = v < arg ? arg : (v > arg2 ? arg2 : v); } }
        }
        return out;
    }

    /** The scalar function of a unary op (for strided and in-place use; the dense path has its own loops). */
    static FloatUnaryOperator function(UnaryOp op, float arg, float arg2) {
        return switch (op) {
            case NEG -> x -> -x;
            case EXP -> x -> (float) Math.exp(x);
            case LOG -> x -> (float) Math.log(x);
            case SQRT -> x -> (float) Math.sqrt(x);
            case ABS -> Math::abs;
            case RELU -> x -> x > 0f ? x : (Float.isNaN(x) ? x : 0f);
            case SIGN -> Math::signum;
            case ADD -> x -> x + arg;
            case MUL -> x -> x * arg;
            case DIV -> x -> x / arg;
            case POW -> x -> (float) Math.pow(x, arg);
            case GT -> x -> x > arg ? 1f : 0f;
            case GE -> x -> x >= arg ? 1f : 0f;
            case LT -> x -> x < arg ? 1f : 0f;
            case LE -> x -> x <= arg ? 1f : 0f;
            case EQ -> x -> x == arg ? 1f : 0f;
            case CLAMP -> x -> x < arg ? arg : (x > arg2 ? arg2 : x);
        };
    }

    /** out = f(src) where src broadcasts to out's shape. */
    static void unaryInto(Tensor out, Tensor src, FloatUnaryOperator f) {
        int[] shape = out.shape();
        float[] o = out.array(), x = src.array();
        if (out.isContiguous() && src.isContiguous() && src.sameShape(out)) {
            int n = out.numel(), oo = out.offset(), so = src.offset();
            for (int i = 0; i < n; i++) o[oo + i] = f.apply(x[so + i]);
            return;
        }
        int[][] st = {out.strides(), broadcastOrFail("copy", src, shape)};
        Strided.forEachRow(shape, st, new int[] {out.offset(), src.offset()}, (off, len) -> {
            int so = st[0].length == 0 ? 0 : st[0][st[0].length - 1];
            int ss = st[1].length == 0 ? 0 : st[1][st[1].length - 1];
            int po = off[0], ps = off[1];
            for (int i = 0; i < len; i++, po += so, ps += ss) o[po] = f.apply(x[ps]);
        });
    }

    static void copyInto(Tensor out, Tensor src) {
        if (out.isContiguous() && src.isContiguous() && src.sameShape(out)) {
            System.arraycopy(src.array(), src.offset(), out.array(), out.offset(), out.numel());
            return;
        }
        unaryInto(out, src, x -> x);
    }

    /** out += alpha * src (src broadcast). */
    static void axpyInto(Tensor out, Tensor src, float alpha) {
        int[] shape = out.shape();
        float[] o = out.array(), x = src.array();
        if (out.isContiguous() && src.isContiguous() && src.sameShape(out)) {
            int n = out.numel(), oo = out.offset(), so = src.offset();
            if (alpha == 1f) for (int i = 0; i < n; i++) o[oo + i] += x[so + i];
            else for (int i = 0; i < n; i++) o[oo + i] += alpha * x[so + i];
            return;
        }
        int[][] st = {out.strides(), broadcastOrFail("add_", src, shape)};
        Strided.forEachRow(shape, st, new int[] {out.offset(), src.offset()}, (off, len) -> {
            int so = st[0].length == 0 ? 0 : st[0][st[0].length - 1];
            int ss = st[1].length == 0 ? 0 : st[1][st[1].length - 1];
            int po = off[0], ps = off[1];
            for (int i = 0; i < len; i++, po += so, ps += ss) o[po] += alpha * x[ps];
        });
    }

    private static int[] broadcastOrFail(String op, Tensor src, int[] shape) {
        int[] b = Shapes.broadcast(op, src.shape(), shape);
        if (!java.util.Arrays.equals(b, shape))
            throw new IllegalArgumentException(op + ": source of shape " + Shapes.str(src.shape()) + " does not broadcast to " + Shapes.str(shape));
        return Strided.broadcastStrides(src, shape);
    }

    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape(), a.shape()), b.shape());
        Tensor out = Tensor.hostZeros(shape);
        Tensor m = mask.expand(shape).contiguous(), x = a.expand(shape).contiguous(), y = b.expand(shape).contiguous();
        float[] o = out.array(), mm = m.array(), xx = x.array(), yy = y.array();
        for (int i = 0; i < o.length; i++)
            o[i] = mm[m.offset() + i] != 0f ? xx[x.offset() + i] : yy[y.offset() + i];
        return out;
    }
}
