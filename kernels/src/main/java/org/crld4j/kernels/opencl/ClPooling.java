package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;

import java.util.Arrays;

/**
 * Max, average and adaptive average pooling and their gradients on the device (nn.cl), one
 * work-item per output (forward) or per input position (backward: a gather over the windows
 * holding it, in output order, so no atomics and the reference's bits). Inputs are read through
 * their strides.
 */
final class ClPooling {
    private static final String SOURCE = "nn";

    /** What max pooling keeps for its backward: the window and, per output, the flat H*W index of its maximum (a float). */
    record MaxSaved(Tensor argmax, PoolWindow window) {}

    private final ClDevice device;

    ClPooling(ClDevice device) { this.device = device; }

    private void run(String kernel, int n, Object... args) {
        device.launch(device.kernel(SOURCE, "-DGROUP=" + device.localSize(), kernel), new long[] {n}, new long[] {device.localSize()}, args);
    }

    PoolResult maxPool2d(Tensor x, PoolWindow w) {
        int[] os = outShape("max_pool2d", x.shape(), w);
        Tensor y = device.empty(os), arg = device.empty(os);
        run("max_pool_forward", y.numel(), x.shape(), hw(os), win(w), pad(w), x, x.offset(), x.strides(), y, arg);
        return new PoolResult(y, new MaxSaved(arg, w));
    }

    Tensor maxPool2dBackward(Tensor dy, PoolResult forward, int[] xShape) {
        String op = "max_pool2d backward";
        if (!(forward.argmax() instanceof MaxSaved saved) || saved.argmax().device() != device)
            throw new IllegalArgumentException(op + " on " + device.name() + ": the forward result was not computed on this device");
        PoolWindow w = saved.window();
        checkDy(op, dy, xShape, w);
        Tensor dx = device.empty(xShape);
        run("max_pool_backward", dx.numel(), xShape, hw(dy.shape()), win(w), pad(w), dy, dy.offset(), dy.strides(), saved.argmax(), dx);
        return dx;
    }

    Tensor avgPool2d(Tensor x, PoolWindow w, boolean countIncludePad) {
        int[] os = outShape("avg_pool2d", x.shape(), w);
        Tensor y = device.empty(os);
        run("avg_pool_forward", y.numel(), x.shape(), hw(os), win(w), pad(w), countIncludePad ? 1 : 0, x, x.offset(), x.strides(), y);
        return y;
    }

    Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolWindow w, boolean countIncludePad) {
        checkDy("avg_pool2d backward", dy, xShape, w);
        Tensor dx = device.empty(xShape);
        run("avg_pool_backward", dx.numel(), xShape, hw(dy.shape()), win(w), pad(w), countIncludePad ? 1 : 0, dy, dy.offset(), dy.strides(), dx);
        return dx;
    }

    Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        String op = "adaptive_avg_pool2d";
        if (x.rank() != 4) throw new IllegalArgumentException(op + " on " + device.name() + ": input must be 4-D, got " + Shapes.str(x.shape()));
        if (oh < 1 || ow < 1)
            throw new IllegalArgumentException(op + " on " + device.name() + ": output size must be positive, got " + oh + "x" + ow);
        Tensor y = device.empty(x.size(0), x.size(1), oh, ow);
        run("adaptive_avg_forward", y.numel(), x.shape(), new int[] {oh, ow}, x, x.offset(), x.strides(), y);
        return y;
    }

    Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape) {
        String op = "adaptive_avg_pool2d backward";
        if (xShape.length != 4 || dy.rank() != 4 || dy.size(0) != xShape[0] || dy.size(1) != xShape[1])
            throw new IllegalArgumentException(op + " on " + device.name() + ": dy " + Shapes.str(dy.shape()) + " does not match input " + Shapes.str(xShape));
        Tensor dx = device.empty(xShape);
        run("adaptive_avg_backward", dx.numel(), xShape, hw(dy.shape()), dy, dy.offset(), dy.strides(), dx);
        return dx;
    }

    private int[] outShape(String op, int[] x, PoolWindow w) {
        try {
            return w.outShape(op, x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (on " + device.name() + ")", e);
        }
    }

    private void checkDy(String op, Tensor dy, int[] xShape, PoolWindow w) {
        int[] os = outShape(op, xShape, w);
        if (!Arrays.equals(dy.shape(), os))
            throw new IllegalArgumentException(op + " on " + device.name() + ": dy " + Shapes.str(dy.shape()) + " is not the output shape "
                    + Shapes.str(os) + " of input " + Shapes.str(xShape));
    }

    private static int[] win(PoolWindow w) { return new int[] {w.kh(), w.kw(), w.sh(), w.sw()}; }

    private static int[] pad(PoolWindow w) { return new int[] {w.ph(), w.pw()}; }

    private static int[] hw(int[] shape) { return new int[] {shape[2], shape[3]}; }
}
