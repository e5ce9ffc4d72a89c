package org.crld4j.tensor;

import java.util.ArrayList;
import java.util.List;

/** Joining, splitting and index-driven ops (gather, scatter, index_select, one-hot). */
final class Indexing {
    private Indexing() {}

    static Tensor cat(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) throw new IllegalArgumentException("cat: expects a non-empty list of tensors");
        int d = Shapes.dim("cat", dim, ts.get(0).rank());
        int[] outShape = Shapes.catShape(ts.stream().map(Tensor::shape).toList(), d);
        Tensor out = Tensor.hostZeros(outShape);
        int at = 0;
        for (Tensor t : ts) {
            out.narrow(d, at, t.size(d)).copyFrom(t);
            at += t.size(d);
        }
        return out;
    }

    static Tensor stack(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) throw new IllegalArgumentException("stack: expects a non-empty list of tensors");
        int d = Shapes.dim("stack", dim, ts.get(0).rank() + 1);
        List<Tensor> u = new ArrayList<>();
        for (Tensor t : ts) {
            if (!t.sameShape(ts.get(0)))
                throw new IllegalArgumentException("stack: shapes " + Shapes.str(ts.get(0).shape()) + " and " + Shapes.str(t.shape()) + " differ");
            u.add(t.unsqueeze(d));
        }
        return Tensor.cat(u, d);
    }

    static List<Tensor> split(Tensor t, int size, int dim) {
        int d = Shapes.dim("split", dim, t.rank());
        if (size <= 0) throw new IllegalArgumentException("split: size must be positive, got " + size);
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < t.size(d); s += size) out.add(t.narrow(d, s, Math.min(size, t.size(d) - s)));
        return out;
    }

    static List<Tensor> split(Tensor t, int[] sizes, int dim) {
        int d = Shapes.dim("split", dim, t.rank());
        int sum = 0;
        for (int s : sizes) sum += s;
        if (sum != t.size(d))
            throw new IllegalArgumentException("split: sizes " + java.util.Arrays.toString(sizes) + " do not add up to "
                    + t.size(d) + " (dim " + d + " of shape " + Shapes.str(t.shape()) + ")");
        List<Tensor> out = new ArrayList<>();
        int at = 0;
        for (int s : sizes) { out.add(t.narrow(d, at, s)); at += s; }
        return out;
    }

    static List<Tensor> chunk(Tensor t, int n, int dim) {
        if (n <= 0) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + n);
        int d = Shapes.dim("chunk", dim, t.rank());
        return split(t, Math.max(1, (t.size(d) + n - 1) / n), d);
    }

    private static int index(String op, float v, int bound, int dim) {
        int i = (int) v;
        if (i != v || i < 0 || i >= bound)
            throw new IndexOutOfBoundsException(op + ": index " + v + " out of range [0, " + bound + ") in dim " + dim);
        return i;
    }

    /** out[i][j][k] = t[index[i][j][k]][j][k] (dim 0), etc.; index has t's rank, out has index's shape. */
    static Tensor gather(Tensor t, int dim, Tensor index) {
        int d = Shapes.dim("gather", dim, t.rank());
        checkIndexShape("gather", t, index, d);
        Tensor out = Tensor.hostZeros(index.shape());
        Tensor idx = index.dense();
        float[] o = out.array(), ix = idx.array(), x = t.array();
        int[] shape = index.shape(), st = t.strides();
        int[] pos = new int[shape.length];
        for (int e = 0; e < o.length; e++) {
            int p = t.offset();
            for (int k = 0; k < shape.length; k++)
                p += (k == d ? index("gather", ix[e], t.size(d), d) : pos[k]) * st[k];
            o[e] = x[p];
            for (int k = shape.length - 1; k >= 0 && ++pos[k] == shape[k]; k--) pos[k] = 0;
        }
        return out;
    }

    /** A copy of t with src[i][j] written to (or added at) position index[i][j] along dim. */
    static Tensor scatter(Tensor t, int dim, Tensor index, Tensor src, boolean add) {
        String op = add ? "scatter_add" : "scatter";
        int d = Shapes.dim(op, dim, t.rank());
        checkIndexShape(op, t, index, d);
        Tensor out = t.copy();
        Tensor idx = index.dense();
        float[] o = out.array(), ix = idx.array();
        int[] shape = index.shape(), st = out.strides();
        Tensor s = src.expand(shape).dense();
        float[] sv = s.array();
        int[] pos = new int[shape.length];
        for (int e = 0; e < ix.length; e++) {
            int p = 0;
            for (int k = 0; k < shape.length; k++)
                p += (k == d ? index(op, ix[e], t.size(d), d) : pos[k]) * st[k];
            if (add) o[p] += sv[e]; else o[p] = sv[e];
            for (int k = shape.length - 1; k >= 0 && ++pos[k] == shape[k]; k--) pos[k] = 0;
        }
        return out;
    }

    private static void checkIndexShape(String op, Tensor t, Tensor index, int d) { Shapes.checkIndexShape(op, t.shape(), index.shape(), d); }

    static Tensor indexSelect(Tensor t, int dim, Tensor index) {
        int d = Shapes.dim("index_select", dim, t.rank());
        if (index.rank() != 1)
            throw new IllegalArgumentException("index_select: index must be 1-D, got shape " + Shapes.str(index.shape()));
        float[] ix = index.toArray();
        List<Tensor> parts = new ArrayList<>();
        for (float v : ix) parts.add(t.narrow(d, index("index_select", v, t.size(d), d), 1));
        if (parts.isEmpty()) {
            int[] s = t.shape();
            s[d] = 0;
            return Tensor.hostZeros(s);
        }
        return cat(parts, d);
    }

    static Tensor oneHot(Tensor labels, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("one_hot: number of classes must be positive, got " + classes);
        int[] s = labels.shape();
        int[] outShape = java.util.Arrays.copyOf(s, s.length + 1);
        outShape[s.length] = classes;
        Tensor out = Tensor.hostZeros(outShape);
        float[] l = labels.toArray(), o = out.array();
        for (int i = 0; i < l.length; i++) o[i * classes + index("one_hot", l[i], classes, s.length)] = 1f;
        return out;
    }
}
