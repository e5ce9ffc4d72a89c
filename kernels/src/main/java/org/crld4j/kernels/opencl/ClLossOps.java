package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.CrossEntropy;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.SgdParams;
import org.crld4j.tensor.ops.UnaryOp;

/**
 * ReLU and its gradient, softmax / log-softmax and their gradient, the mean cross-entropy and its
 * gradient, and the SGD update on the device (loss.cl). Nothing comes back to the host: the loss
 * is a device scalar, the gradient's scale is read by the kernel, bad labels go to the fault
 * word. ReLU and SGD compute exactly the reference's float operations (the same bits); softmax
 * and the losses sum in float over a fixed order where the reference sums in double.
 */
final class ClLossOps {
    private static final String SOURCE = "loss";
    /** Rows at most this long are done by one work-item each; longer ones by a work-group. */
    static final int SERIAL_MAX = 32;

    private final ClDevice device;
    private final ClElementwise elementwise;
    private final String options;

    ClLossOps(ClDevice device, ClElementwise elementwise) {
        this.device = device;
        this.elementwise = elementwise;
        this.options = "-DGROUP=" + device.localSize();
    }

    private ClKernel kernel(String name) { return device.kernel(SOURCE, options, name); }

    private long[] oneD() { return new long[] {device.localSize()}; }

    Tensor relu(Tensor x) { return elementwise.unary(UnaryOp.RELU, x, 0f, 0f); }

    Tensor reluBackward(Tensor dy, Tensor y) {
        if (!dy.sameShape(y))
            throw new IllegalArgumentException("relu backward: gradient " + Shapes.str(dy.shape()) + " does not match output " + Shapes.str(y.shape()));
        Tensor dx = device.empty(y.shape());
        StridedLayout l = StridedLayout.of("relu backward", y.shape(), dx.strides(), dy.strides(), y.strides());
        device.launch(kernel("relu_backward"), new long[] {l.numel}, oneD(), l.numel, l.rank, l.shape, dx,
                dy, dy.offset(), l.strides[1], y, y.offset(), l.strides[2]);
        return dx;
    }

    /** The rows of x: every dim but the last (merged where the strides allow), and the last dim's stride. */
    private record Rows(int rows, int cols, StridedLayout layout, int colStride) {
        static Rows of(String op, Tensor x, Tensor... more) {
            if (x.rank() < 1) throw new IllegalArgumentException(op + ": needs at least 1 dim, got " + Shapes.str(x.shape()));
            int r = x.rank() - 1;
            int[][] st = new int[1 + more.length][];
            st[0] = java.util.Arrays.copyOf(x.strides(), r);
            for (int i = 0; i < more.length; i++) st[1 + i] = java.util.Arrays.copyOf(more[i].strides(), r);
            int[] shape = java.util.Arrays.copyOf(x.shape(), r);
            return new Rows(Shapes.numel(shape), x.size(-1), StridedLayout.of(op, shape, st), x.stride(-1));
        }

        boolean serial() { return cols <= SERIAL_MAX; }

        long[] global(int group) { return new long[] {serial() ? rows : (long) rows * group}; }
    }

    Tensor softmax(Tensor x, boolean log) {
        Rows r = Rows.of(log ? "log_softmax" : "softmax", x);
        Tensor y = device.empty(x.shape());
        if (r.rows() == 0 || r.cols() == 0) return y;
        device.launch(kernel(r.serial() ? "softmax_rows_serial" : "softmax_rows"), r.global(device.localSize()), oneD(),
                r.rows(), r.cols(), log ? 1 : 0, r.layout().rank, r.layout().shape, r.layout().strides[0], r.colStride(), x, x.offset(), y);
        return y;
    }

    Tensor softmaxBackward(Tensor dy, Tensor y, boolean log) {
        if (!dy.sameShape(y))
            throw new IllegalArgumentException((log ? "log_softmax" : "softmax") + " backward: gradient " + Shapes.str(dy.shape())
                    + " does not match output " + Shapes.str(y.shape()));
        Rows r = Rows.of(log ? "log_softmax backward" : "softmax backward", y, dy);
        Tensor dx = device.empty(y.shape());
        if (r.rows() == 0 || r.cols() == 0) return dx;
        device.launch(kernel(r.serial() ? "softmax_backward_rows_serial" : "softmax_backward_rows"), r.global(device.localSize()), oneD(),
                r.rows(), r.cols(), log ? 1 : 0, r.layout().rank, r.layout().shape,
                r.layout().strides[0], r.colStride(), y, y.offset(), r.layout().strides[1], dy.stride(-1), dy, dy.offset(), dx);
        return dx;
    }

    /** What the backward needs: the log-probabilities and the labels, both on the device. */
    private record Saved(Tensor logp, Tensor labels) {}

    CrossEntropyResult crossEntropy(Tensor logits, Tensor labels) {
        CrossEntropy.checkShapes(logits, labels);
        int n = logits.size(0), c = logits.size(1);
        Tensor logp = softmax(logits, true);
        Tensor loss = device.empty();
        device.launch(kernel("cross_entropy"), oneD(), oneD(), n, c, logp, labels, labels.offset(), labels.stride(0), loss,
                device.fault("cross_entropy of logits " + Shapes.str(logits.shape()) + ": a label is not an integer in [0, " + c + ")"));
        return new CrossEntropyResult(loss, new Saved(logp, labels));
    }

    Tensor crossEntropyBackward(Tensor g, CrossEntropyResult forward) {
        if (!(forward.saved() instanceof Saved s))
            throw new IllegalArgumentException("cross_entropy backward: the forward result was not computed on " + device.name());
        if (g.numel() != 1) throw new IllegalArgumentException("cross_entropy backward: gradient must have one element, got " + Shapes.str(g.shape()));
        int n = s.logp().size(0), c = s.logp().size(1);
        Tensor dx = device.empty(n, c);
        device.launch(kernel("cross_entropy_backward"), new long[] {(long) n * c}, oneD(), n, c, s.logp(),
                s.labels(), s.labels().offset(), s.labels().stride(0), g, g.offset(), dx);
        return dx;
    }

    Tensor sgdStep(Tensor param, Tensor grad, Tensor buffer, SgdParams p) {
        if (!grad.sameShape(param))
            throw new IllegalArgumentException("sgd: gradient " + Shapes.str(grad.shape()) + " does not match parameter " + Shapes.str(param.shape()));
        boolean momentum = p.momentum() != 0, first = momentum && buffer == null;
        Tensor buf = !momentum ? null : first ? device.empty(param.shape()) : buffer;
        if (buf != null && !buf.sameShape(param))
            throw new IllegalArgumentException("sgd: momentum buffer " + Shapes.str(buf.shape()) + " does not match parameter " + Shapes.str(param.shape()));
        Tensor b = buf == null ? param : buf; // without momentum the kernel never reads it
        StridedLayout l = StridedLayout.of("sgd", param.shape(), param.strides(), grad.strides(), b.strides());
        device.launch(kernel("sgd_step"), new long[] {l.numel}, oneD(), l.numel, l.rank, l.shape,
                param, param.offset(), l.strides[0], grad, grad.offset(), l.strides[1], b, b.offset(), l.strides[2],
                -p.lr(), p.momentum(), 1f - p.dampening(), p.weightDecay(), p.nesterov() ? 1 : 0, first ? 1 : 0);
        return buf;
    }
}
