package org.crld4j.nn.layers;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.nn.Module;

/** Pooling layers (torch.nn.MaxPool2d, AvgPool2d, AdaptiveAvgPool2d). */
public final class Pooling {
    private Pooling() {}

    public static final class MaxPool2d extends Module {
        public final PoolWindow window;
        public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) { window = PoolWindow.of(kernel, stride, padding, ceilMode); }
        public MaxPool2d(int kernel, int stride) { this(kernel, stride, 0, false); }
        @Override public Variable forward(Variable x) { return F.maxPool2d(x, window); }
    }

    public static final class AvgPool2d extends Module {
        public final PoolWindow window;
        public final boolean countIncludePad;
        public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
            window = PoolWindow.of(kernel, stride, padding, ceilMode);
            this.countIncludePad = countIncludePad;
        }
        /** AvgPool2d(k): stride = kernel, as PyTorch. */
        public AvgPool2d(int kernel) { this(kernel, kernel, 0, false, true); }
        @Override public Variable forward(Variable x) { return F.avgPool2d(x, window, countIncludePad); }
    }

    public static final class AdaptiveAvgPool2d extends Module {
        public final int oh, ow;
        public AdaptiveAvgPool2d(int oh, int ow) { this.oh = oh; this.ow = ow; }
        @Override public Variable forward(Variable x) { return F.adaptiveAvgPool2d(x, oh, ow); }
    }

    /** Average over the whole spatial extent: F.avg_pool2d(x, x.size(3)) on square maps. */
    public static Variable globalAvg(Variable x) { return F.adaptiveAvgPool2d(x, 1, 1); }
}
