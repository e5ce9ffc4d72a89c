package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Storage;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.BinaryOp;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.ops.ReduceOp;
import org.crld4j.tensor.ops.SgdParams;
import org.crld4j.tensor.ops.UnaryOp;

import java.util.List;

/**
 * The backend of one OpenCL device ({@code opencl:N}): every {@link Backend} op as kernels on that
 * device's queue, results left on the device. Not a host backend: it is not a
 * {@code META-INF/services/org.crld4j.tensor.Backend} entry, so {@code Backends.host()} never
 * picks it; it is reached through its device ({@code Devices.get("opencl")}). The ops live in
 * family classes: {@link ClElementwise}, {@link ClReductions}, {@link ClIndexing},
 * {@link ClMatmul}, {@link ClLossOps} (ReLU, softmax, cross-entropy, SGD) and {@link ClNeuralOps}
 * (convolution, pooling, batch norm).
 */
public final class OpenClBackend implements Backend {
    private final ClDevice device;
    private final ClElementwise elementwise;
    private final ClReductions reductions;
    private final ClIndexing indexing;
    private final ClMatmul matmul;
    private final ClNeuralOps nn;
    private final ClLossOps losses;

    OpenClBackend(ClDevice device) {
        this.device = device;
        this.elementwise = new ClElementwise(device);
        this.reductions = new ClReductions(device);
        this.indexing = new ClIndexing(device, elementwise);
        this.matmul = new ClMatmul(device);
        this.nn = new ClNeuralOps(device);
        this.losses = new ClLossOps(device, elementwise);
    }

    /** The device this backend computes on. */
    public ClDevice device() { return device; }

    @Override public String name() { return "opencl"; }

    /** Below every host backend; it is never a host-backend candidate anyway (see the class comment). */
    @Override public int priority() { return -100; }

    @Override public String describe() {
        ClDeviceInfo i = device.info();
        return device.name() + " (" + i.name() + ", " + i.platformName() + ", " + i.computeUnits() + " compute units)";
    }

    @Override public Storage allocate(int n) { return device.allocate(n, true); }

    // ---------------------------------------------------------------- elementwise

    @Override public Tensor unary(UnaryOp op, Tensor x, float a, float b) { return elementwise.unary(op, x, a, b); }
    @Override public void unaryInto(UnaryOp op, Tensor out, Tensor x, float a, float b) { elementwise.unaryInto(op, out, x, a, b); }
    @Override public Tensor binary(BinaryOp op, Tensor a, Tensor b) { return elementwise.binary(op, a, b); }
    @Override public void binaryInto(BinaryOp op, Tensor out, Tensor a, Tensor b) { elementwise.binaryInto(op, out, a, b); }
    @Override public Tensor where(Tensor mask, Tensor a, Tensor b) { return elementwise.where(mask, a, b); }
    @Override public void copy(Tensor out, Tensor src) { elementwise.copy(out, src); }
    @Override public void fill(Tensor out, float value) { elementwise.fill(out, value); }
    @Override public void axpy(Tensor out, Tensor src, float alpha) { elementwise.axpy(out, src, alpha); }

    // ---------------------------------------------------------------- reductions

    @Override public Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) { return reductions.reduce(op, x, dims, keepdim); }
    @Override public Tensor argExtreme(Tensor x, int dim, boolean keepdim, boolean max) { return reductions.argExtreme(x, dim, keepdim, max); }
    @Override public Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) { return reductions.var(x, dims, unbiased, keepdim); }
    @Override public Tensor sumTo(Tensor x, int[] shape) { return reductions.sumTo(x, shape); }

    // ---------------------------------------------------------------- joining and indexing

    @Override public Tensor cat(List<Tensor> ts, int dim) { return indexing.cat(ts, dim); }
    @Override public Tensor gather(Tensor x, int dim, Tensor index) { return indexing.gather(x, dim, index); }
    @Override public Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) { return indexing.scatter(x, dim, index, src, add); }
    @Override public Tensor indexSelect(Tensor x, int dim, Tensor index) { return indexing.indexSelect(x, dim, index); }
    @Override public Tensor oneHot(Tensor labels, int classes) { return indexing.oneHot(labels, classes); }

    // ---------------------------------------------------------------- linear algebra

    @Override public Tensor matmul(Tensor a, Tensor b) { return matmul.matmul(a, b); }

    // ---------------------------------------------------------------- convolution (the bias gradient is a reduction, as in the reference)

    @Override public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvParams p) { return nn.conv2d(x, weight, bias, p); }
    @Override public Tensor conv2dBackwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) { return nn.conv2dBackwardInput(dy, w, xShape, p); }
    @Override public Tensor conv2dBackwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) { return nn.conv2dBackwardWeight(dy, x, wShape, p); }

    @Override public Tensor conv2dBackwardBias(Tensor dy) {
        if (dy.rank() != 4) throw new IllegalArgumentException("conv2d backward bias: dy must be 4-D [N, K, OH, OW], got " + org.crld4j.tensor.Shapes.str(dy.shape()));
        return reductions.reduce(ReduceOp.SUM, dy, new int[] {0, 2, 3}, false);
    }

    @Override public ConvBnEval convBnEval() { return nn.convBnEval(); }

    // ---------------------------------------------------------------- pooling

    @Override public PoolResult maxPool2d(Tensor x, PoolWindow w) { return nn.maxPool2d(x, w); }
    @Override public Tensor maxPool2dBackward(Tensor dy, PoolResult f, int[] xShape) { return nn.maxPool2dBackward(dy, f, xShape); }
    @Override public Tensor avgPool2d(Tensor x, PoolWindow w, boolean countIncludePad) { return nn.avgPool2d(x, w, countIncludePad); }
    @Override public Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolWindow w, boolean countIncludePad) { return nn.avgPool2dBackward(dy, xShape, w, countIncludePad); }
    @Override public Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) { return nn.adaptiveAvgPool2d(x, oh, ow); }
    @Override public Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape) { return nn.adaptiveAvgPool2dBackward(dy, xShape); }

    // ---------------------------------------------------------------- normalisation, activations, losses, optimiser

    @Override public BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                               boolean training, float momentum, float eps) {
        return nn.batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
    }

    @Override public BatchNormGrads batchNormBackward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult f, boolean training) {
        return nn.batchNormBackward(dy, x, gamma, f, training);
    }

    @Override public Tensor softmax(Tensor x, boolean log) { return losses.softmax(x, log); }
    @Override public Tensor softmaxBackward(Tensor dy, Tensor y, boolean log) { return losses.softmaxBackward(dy, y, log); }
    @Override public Tensor relu(Tensor x) { return losses.relu(x); }
    @Override public Tensor reluBackward(Tensor dy, Tensor y) { return losses.reluBackward(dy, y); }
    @Override public CrossEntropyResult crossEntropy(Tensor logits, Tensor labels) { return losses.crossEntropy(logits, labels); }
    @Override public Tensor crossEntropyBackward(Tensor g, CrossEntropyResult f) { return losses.crossEntropyBackward(g, f); }
    @Override public Tensor sgdStep(Tensor param, Tensor grad, Tensor buffer, SgdParams p) { return losses.sgdStep(param, grad, buffer, p); }

    @Override public String toString() { return "opencl backend of " + device.name(); }
}
