package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.List;

/**
 * Joining and index-driven ops (index.cl); results equal the reference's bit for bit. Scatter-add
 * needs no atomics: each destination sums its sources itself, in index order. Bad indices are
 * found by the kernels and thrown at the next read from the device (see {@link ClDevice#fault}).
 */
final class ClIndexing {
    private static final String SOURCE = "index";

    private final ClDevice device;
    private final ClElementwise elementwise;

    ClIndexing(ClDevice device, ClElementwise elementwise) {
        this.device = device;
        this.elementwise = elementwise;
    }

    private void run(String kernel, int n, Object... args) {
        device.launch(device.kernel(SOURCE, "", kernel), new long[] {n}, new long[] {device.localSize()}, args);
    }

    Tensor cat(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) throw new IllegalArgumentException("cat: expects a non-empty list of tensors");
        int d = Shapes.dim("cat", dim, ts.get(0).rank());
        int[] outShape = Shapes.catShape(ts.stream().map(Tensor::shape).toList(), d);
        Tensor out = device.empty(outShape);
        int at = 0;
        for (Tensor t : ts) {
            elementwise.copy(out.narrow(d, at, t.size(d)), t);
            at += t.size(d);
        }
        return out;
    }

    private static void checkIndexShape(String op, Tensor t, Tensor index, int d) { Shapes.checkIndexShape(op, t.shape(), index.shape(), d); }

    private static int[] lanes(String op, int[] v) { return StridedLayout.lanes(op, v, 0); }

    private static int[] shapeLanes(String op, int[] v) { return StridedLayout.lanes(op, v, 1); }

    private ClDevice.Fault fault(String op, Tensor x, Tensor index, int d, int bound) {
        return device.fault(op + " of x " + Shapes.str(x.shape()) + " with index " + Shapes.str(index.shape())
                + ": an index is not an integer in [0, " + bound + ") (dim " + d + ")");
    }

    Tensor gather(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("gather", dim, x.rank());
        checkIndexShape("gather", x, index, d);
        Tensor out = device.empty(index.shape());
        run("gather", out.numel(), out.numel(), x.rank(), shapeLanes("gather", index.shape()), d, x.size(d),
                index, index.offset(), lanes("gather", index.strides()), x, x.offset(), lanes("gather", x.strides()),
                out, fault("gather", x, index, d, x.size(d)));
        return out;
    }

    Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) {
        String op = add ? "scatter_add" : "scatter";
        int d = Shapes.dim(op, dim, x.rank());
        checkIndexShape(op, x, index, d);
        if (x.size(d) == 0 && index.numel() > 0)
            throw new IndexOutOfBoundsException(op + ": index of shape " + Shapes.str(index.shape()) + " into an empty dim " + d + " of " + Shapes.str(x.shape()));
        Tensor out = x.copy();
        int[] region = x.shape();
        for (int k = 0; k < region.length; k++) if (k != d) region[k] = index.size(k);
        Tensor s = src.expand(index.shape());
        int n = Shapes.numel(region);
        if (index.numel() == 0) return out;
        run("scatter", n, n, x.rank(), shapeLanes(op, region), d, x.size(d), index.size(d), add ? 1 : 0,
                index, index.offset(), lanes(op, index.strides()), s, s.offset(), lanes(op, s.strides()),
                out, lanes(op, out.strides()), fault(op, x, index, d, x.size(d)));
        return out;
    }

    Tensor indexSelect(Tensor x, int dim, Tensor index) {
        int d = Shapes.dim("index_select", dim, x.rank());
        if (index.rank() != 1)
            throw new IllegalArgumentException("index_select: index must be 1-D, got shape " + Shapes.str(index.shape()));
        int[] shape = x.shape();
        shape[d] = index.size(0);
        Tensor out = device.empty(shape);
        run("index_select", out.numel(), out.numel(), x.rank(), shapeLanes("index_select", shape), d, x.size(d),
                index, index.offset(), index.stride(0), x, x.offset(), lanes("index_select", x.strides()),
                out, fault("index_select", x, index, d, x.size(d)));
        return out;
    }

    Tensor oneHot(Tensor labels, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("one_hot: number of classes must be positive, got " + classes);
        int[] s = labels.shape();
        int[] outShape = java.util.Arrays.copyOf(s, s.length + 1);
        outShape[s.length] = classes;
        Tensor out = device.empty(outShape);
        StridedLayout l = StridedLayout.of("one_hot", s, labels.strides());
        run("one_hot", out.numel(), out.numel(), classes, l.rank, l.shape, labels, labels.offset(), l.strides[0],
                out, device.fault("one_hot of labels " + Shapes.str(s) + ": a label is not an integer in [0, " + classes + ")"));
        return out;
    }
}
