package org.crld4j.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensor operations: sizes, strides, broadcasting, dim checks. */
public final class Shapes {
    private Shapes() {}

    public static String str(int[] shape) { return Arrays.toString(shape); }

    public static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= shape[i]; }
        return st;
    }

    public static void checkShape(String op, int[] shape) {
        for (int s : shape)
            if (s < 0) throw new IllegalArgumentException(op + ": negative size in shape " + str(shape));
    }

    /** Wraps a possibly negative dim into [0, rank), naming the op on failure. */
    public static int dim(String op, int d, int rank) {
        int r = d < 0 ? d + rank : d;
        if (r < 0 || r >= rank)
            throw new IllegalArgumentException(op + ": dim " + d + " out of range for a tensor of rank " + rank);
        return r;
    }

    /** NumPy broadcasting of two shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves a single -1 in a requested shape against the element count. */
    public static int[] infer(String op, int[] req, int numel) {
        int[] s = req.clone();
        int neg = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (neg >= 0) throw new IllegalArgumentException(op + ": only one -1 allowed in " + str(req));
                neg = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid size in " + str(req));
            } else known *= s[i];
        }
        if (neg >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException(op + ": shape " + str(req) + " is invalid for " + numel + " elements");
            s[neg] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape " + str(req) + " is invalid for " + numel + " elements");
        }
        return s;
    }

    /** Normalises a dim list (negative allowed); empty means all dims. Returns a rank-long flag array. */
    public static boolean[] dimMask(String op, int[] dims, int rank) {
        boolean[] m = new boolean[rank];
        if (dims == null || dims.length == 0) { Arrays.fill(m, true); return m; }
        for (int d : dims) {
            int r = dim(op, d, rank);
            if (m[r]) throw new IllegalArgumentException(op + ": dim " + d + " repeated in " + Arrays.toString(dims));
            m[r] = true;
        }
        return m;
    }

    /** The shape of cat along d (already wrapped): every shape equal to the first except in d; fails naming the first that is not. */
    public static int[] catShape(java.util.List<int[]> shapes, int d) {
        int[] first = shapes.get(0);
        int total = 0;
        for (int i = 0; i < shapes.size(); i++) {
            int[] s = shapes.get(i);
            boolean ok = s.length == first.length;
            for (int j = 0; ok && j < s.length; j++) ok = j == d || s[j] == first[j];
            if (!ok)
                throw new IllegalArgumentException("cat: tensor " + i + " of shape " + str(s) + " does not match shape " + str(first) + " except in dim " + d);
            total += s[d];
        }
        int[] out = first.clone();
        out[d] = total;
        return out;
    }

    /** gather's and scatter's rule: the index has the input's rank and is no larger outside dim d. */
    public static void checkIndexShape(String op, int[] x, int[] index, int d) {
        if (index.length != x.length)
            throw new IllegalArgumentException(op + ": index of shape " + str(index) + " must have the rank of the input " + str(x));
        for (int k = 0; k < x.length; k++)
            if (k != d && index[k] > x[k])
                throw new IllegalArgumentException(op + ": index of shape " + str(index) + " is larger than input " + str(x) + " in dim " + k);
    }
}
