package org.crld4j.tensor;

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
 * What computes on one device: allocation and every operation the tensors, autograd and the
 * layers use, in op families (elementwise, reductions, indexing, matmul, convolution, pooling,
 * batch norm, softmax, losses, the optimiser update). Everything else is composed from these.
 * Tensor methods dispatch here through their storage's {@link Device}; inputs are on this
 * backend's device (checked by the caller, {@link Devices#common}) and results are new tensors
 * on it unless the method writes {@code into}/in place. Backends are found by
 * {@link java.util.ServiceLoader}; {@link ReferenceBackend} (plain loops) is the oracle every
 * other backend is tested against (the conformance suite in the kernels module's tests).
 */
public interface Backend {
    /** Short name used in logs and in {@code -Dcrld4j.backend=NAME}. */
    String name();

    /** Higher wins when several backends are on the class path. */
    int priority();

    /** A one-line description for the start-up log (threads, vector width, device). */
    default String describe() { return name(); }

    /** Threads the backend computes with (1 without a pool). */
    default int threads() { return 1; }

    /** Sets the pool size where there is a pool (the CPU backend); others ignore it. */
    default void setThreads(int n) {}

    /** New zero-filled storage of {@code n} floats on this backend's device. */
    Storage allocate(int n);

    // ---------------------------------------------------------------- elementwise (NumPy broadcasting, any strides)

    /** A new dense {@code op(x; a, b)}. */
    Tensor unary(UnaryOp op, Tensor x, float a, float b);

    /** {@code out = op(x; a, b)}, x broadcast to out's shape; out may be x. */
    void unaryInto(UnaryOp op, Tensor out, Tensor x, float a, float b);

    /** A new dense {@code a op b} of the broadcast shape. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code out = a op b}; out has the broadcast shape and may be a. */
    void binaryInto(BinaryOp op, Tensor out, Tensor a, Tensor b);

    /** {@code mask != 0 ? a : b}, the three broadcast together. */
    Tensor where(Tensor mask, Tensor a, Tensor b);

    /** {@code out = src}, src broadcast to out's shape. */
    void copy(Tensor out, Tensor src);

    void fill(Tensor out, float value);

    /** {@code out += alpha * src}, src broadcast (PyTorch's add_(src, alpha=)). */
    void axpy(Tensor out, Tensor src, float alpha);

    // ---------------------------------------------------------------- reductions

    /** Over {@code dims} (null: all), keeping them as size 1 if asked. */
    Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim);

    /** Index of the first maximum (or minimum) along dim. */
    Tensor argExtreme(Tensor x, int dim, boolean keepdim, boolean max);

    Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim);

    /** Sums x down to {@code shape}, undoing a broadcast. */
    Tensor sumTo(Tensor x, int[] shape);

    // ---------------------------------------------------------------- joining and indexing

    Tensor cat(List<Tensor> ts, int dim);

    Tensor gather(Tensor x, int dim, Tensor index);

    /** A copy of x with src written (or added) at index along dim. */
    Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add);

    Tensor indexSelect(Tensor x, int dim, Tensor index);

    Tensor oneHot(Tensor labels, int classes);

    // ---------------------------------------------------------------- linear algebra

    /** torch.matmul: 2-D, batched with broadcast batch dims, 1-D operands promoted. */
    Tensor matmul(Tensor a, Tensor b);

    // ---------------------------------------------------------------- convolution [N, C, H, W] * [K, C/groups, R, S]

    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvParams p);

    Tensor conv2dBackwardInput(Tensor dy, Tensor weight, int[] xShape, ConvParams p);

    Tensor conv2dBackwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p);

    /** The bias gradient: dy summed over N, OH, OW. */
    Tensor conv2dBackwardBias(Tensor dy);

    /** The fused eval-mode convolution-batch-norm(-residual)(-ReLU), or null where the backend has none. */
    default ConvBnEval convBnEval() { return null; }

    // ---------------------------------------------------------------- pooling

    PoolResult maxPool2d(Tensor x, PoolWindow window);

    Tensor maxPool2dBackward(Tensor dy, PoolResult forward, int[] xShape);

    Tensor avgPool2d(Tensor x, PoolWindow window, boolean countIncludePad);

    Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolWindow window, boolean countIncludePad);

    Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow);

    Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape);

    // ---------------------------------------------------------------- normalisation, activations, losses

    /**
     * Batch norm over [N, C, ...]: batch statistics in training (the running buffers, if given,
     * updated in place), running statistics in eval.
     */
    BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                              boolean training, float momentum, float eps);

    BatchNormGrads batchNormBackward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult forward, boolean training);

    /**
     * {@code relu?(batch_norm(x) + residual?)}, the end of a ResNet block in training, with
     * {@code residual} (null for none) of x's shape. The result's output is the sum's ReLU; its
     * saved statistics are batch norm's, for {@link #batchNormBackward} of the gradient behind the
     * ReLU. The same numbers as the separate ops, bit for bit (which this default runs); the CPU
     * backend does it in one pass, without the intermediate tensors.
     */
    default BatchNormResult batchNormAct(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         boolean training, float momentum, float eps, Tensor residual, boolean relu) {
        BatchNormResult f = batchNorm(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
        Tensor y = f.output();
        if (residual != null) y = binary(BinaryOp.ADD, y, residual);
        return new BatchNormResult(relu ? relu(y) : y, f.saved());
    }

    /** Softmax or log-softmax over the last dim. */
    Tensor softmax(Tensor x, boolean log);

    /** dL/dx given y = softmax(x) (or log-softmax) and dL/dy. */
    Tensor softmaxBackward(Tensor dy, Tensor y, boolean log);

    Tensor relu(Tensor x);

    /** dL/dx = dy where the forward's output y > 0, else 0. */
    Tensor reluBackward(Tensor dy, Tensor y);

    /** Mean cross-entropy of logits [N, C] against integer labels [N]. */
    CrossEntropyResult crossEntropy(Tensor logits, Tensor labels);

    Tensor crossEntropyBackward(Tensor gradLoss, CrossEntropyResult forward);

    // ---------------------------------------------------------------- optimiser

    /**
     * One torch.optim.SGD update of {@code param} in place; returns the momentum buffer to keep
     * (a new one on the first step, when {@code buffer} is null; null without momentum).
     */
    Tensor sgdStep(Tensor param, Tensor grad, Tensor buffer, SgdParams p);
}
