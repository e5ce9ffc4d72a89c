package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.UnaryOp;

import java.util.Arrays;

/** Elementwise ops on device tensors of any strides, with NumPy broadcasting (elementwise.cl). */
final class ClElementwise {
    private static final String SOURCE = "elementwise";
    /** The op code of a plain copy in {@code unary}. */
    private static final int COPY = 100;

    private final ClDevice device;

    ClElementwise(ClDevice device) { this.device = device; }

    private void run(String kernel, StridedLayout l, Object... rest) {
        Object[] args = new Object[3 + rest.length];
        args[0] = l.numel;
        args[1] = l.rank;
        args[2] = l.shape;
        System.arraycopy(rest, 0, args, 3, rest.length);
        device.launch(device.kernel(SOURCE, "", kernel), new long[] {l.numel}, new long[] {device.localSize()}, args);
    }

    Tensor unary(UnaryOp op, Tensor x, float a, float b) {
        Tensor out = device.empty(x.shape());
        unaryInto(op.ordinal(), out, x, a, b, "unary " + op);
        return out;
    }

    void unaryInto(UnaryOp op, Tensor out, Tensor x, float a, float b) { unaryInto(op.ordinal(), out, x, a, b, op.name().toLowerCase() + "_"); }

    void copy(Tensor out, Tensor src) { unaryInto(COPY, out, src, 0f, 0f, "copy_"); }

    private void unaryInto(int op, Tensor out, Tensor x, float a, float b, String name) {
        int[] shape = out.shape();
        StridedLayout l = StridedLayout.of(name, shape, out.strides(), StridedLayout.broadcastStrides(name, x, shape));
        run("unary", l, out, out.offset(), l.strides[0], x, x.offset(), l.strides[1], op, a, b);
    }

    Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Tensor out = device.empty(Shapes.broadcast(name, a.shape(), b.shape()));
        binaryInto(op, out, a, b, name);
        return out;
    }

    void binaryInto(BinaryOp op, Tensor out, Tensor a, Tensor b) { binaryInto(op, out, a, b, op.name().toLowerCase() + "_"); }

    private void binaryInto(BinaryOp op, Tensor out, Tensor a, Tensor b, String name) {
        int[] shape = out.shape();
        int[] bs = Shapes.broadcast(name, a.shape(), b.shape());
        if (!Arrays.equals(Shapes.broadcast(name, bs, shape), shape))
            throw new IllegalArgumentException(name + ": result of shape " + Shapes.str(bs) + " does not fit output " + Shapes.str(shape));
        StridedLayout l = StridedLayout.of(name, shape, out.strides(), StridedLayout.broadcastStrides(name, a, shape),
                StridedLayout.broadcastStrides(name, b, shape));
        run("binary", l, out, out.offset(), l.strides[0], a, a.offset(), l.strides[1], b, b.offset(), l.strides[2], op.ordinal());
    }

    Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", mask.shape(), a.shape()), b.shape());
        Tensor out = device.empty(shape);
        StridedLayout l = StridedLayout.of("where", shape, out.strides(), StridedLayout.broadcastStrides("where", mask, shape),
                StridedLayout.broadcastStrides("where", a, shape), StridedLayout.broadcastStrides("where", b, shape));
        run("where_", l, out, 0, l.strides[0], mask, mask.offset(), l.strides[1], a, a.offset(), l.strides[2], b, b.offset(), l.strides[3]);
        return out;
    }

    void fill(Tensor out, float value) {
        StridedLayout l = StridedLayout.of("fill_", out.shape(), out.strides());
        run("fill", l, out, out.offset(), l.strides[0], value);
    }

    void axpy(Tensor out, Tensor src, float alpha) {
        int[] shape = out.shape();
        StridedLayout l = StridedLayout.of("add_", shape, out.strides(), StridedLayout.broadcastStrides("add_", src, shape));
        run("axpy", l, out, out.offset(), l.strides[0], src, src.offset(), l.strides[1], alpha);
    }
}
