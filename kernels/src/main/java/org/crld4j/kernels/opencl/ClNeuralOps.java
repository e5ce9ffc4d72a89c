package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.CrossEntropyResult;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.ops.SgdParams;

/**
 * The neural-network ops of the OpenCL backend (convolution and its gradients, pooling, batch
 * norm, softmax, ReLU, cross-entropy, the SGD update, the fused eval conv-BN), kernels in
 * {@code nn.cl} / {@code conv.cl}. {@link OpenClBackend} delegates each of these methods here
 * with the same contract as {@link org.crld4j.tensor.Backend}. Inputs are on {@link #device}
 * (checked by the caller); results go in {@link ClDevice#empty} tensors. Convolution, the fused
 * conv-BN, pooling and batch norm are in {@link ClConv}, {@link ClPooling} and {@link ClBatchNorm};
 * a method not implemented yet fails naming the op, so no call silently falls back to the host.
 */
final class ClNeuralOps {
    private final ClDevice device;
    private final ClConv conv;
    private final ClPooling pooling;
    private final ClBatchNorm batchNorm;

    ClNeuralOps(ClDevice device) {
        this.device = device;
        this.conv = new ClConv(device);
        this.pooling = new ClPooling(device);
        this.batchNorm = new ClBatchNorm(device);
    }

    private UnsupportedOperationException pending(String op) {
        return new UnsupportedOperationException("opencl: " + op + " not implemented yet (device " + device.name() + ")");
    }

    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvParams p) { return conv.forward(x, weight, bias, p); }

    Tensor conv2dBackwardInput(Tensor dy, Tensor weight, int[] xShape, ConvParams p) { return conv.backwardInput(dy, weight, xShape, p); }

    Tensor conv2dBackwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) { return conv.backwardWeight(dy, x, wShape, p); }

    /** The fused eval-mode conv-BN(-residual)(-ReLU): the forward convolution with a batch-norm epilogue (conv.cl -D EPILOGUE). */
    ConvBnEval convBnEval() {
        return (x, w, bias, p, gamma, beta, runningMean, runningVar, eps, residual, relu) ->
                conv.forwardBatchNormEval(x, w, bias, p, gamma, beta, runningMean, runningVar, eps, residual, relu, batchNorm);
    }

    PoolResult maxPool2d(Tensor x, PoolWindow window) { return pooling.maxPool2d(x, window); }

    Tensor maxPool2dBackward(Tensor dy, PoolResult forward, int[] xShape) { return pooling.maxPool2dBackward(dy, forward, xShape); }

    Tensor avgPool2d(Tensor x, PoolWindow window, boolean countIncludePad) { return pooling.avgPool2d(x, window, countIncludePad); }

    Tensor avgPool2dBackward(Tensor dy, int[] xShape, PoolWindow window, boolean countIncludePad) { return pooling.avgPool2dBackward(dy, xShape, window, countIncludePad); }

    Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) { return pooling.adaptiveAvgPool2d(x, oh, ow); }

    Tensor adaptiveAvgPool2dBackward(Tensor dy, int[] xShape) { return pooling.adaptiveAvgPool2dBackward(dy, xShape); }

    BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                              boolean training, float momentum, float eps) {
        return batchNorm.forward(x, gamma, beta, runningMean, runningVar, training, momentum, eps);
    }

    BatchNormGrads batchNormBackward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult forward, boolean training) {
        return batchNorm.backward(dy, x, gamma, forward, training);
    }

    Tensor softmax(Tensor x, boolean log) { throw pending(log ? "log-softmax" : "softmax"); }

    Tensor softmaxBackward(Tensor dy, Tensor y, boolean log) { throw pending(log ? "log-softmax backward" : "softmax backward"); }

    Tensor relu(Tensor x) { throw pending("relu"); }

    Tensor reluBackward(Tensor dy, Tensor y) { throw pending("reluBackward"); }

    CrossEntropyResult crossEntropy(Tensor logits, Tensor labels) { throw pending("crossEntropy"); }

    Tensor crossEntropyBackward(Tensor gradLoss, CrossEntropyResult forward) { throw pending("crossEntropyBackward"); }

    Tensor sgdStep(Tensor param, Tensor grad, Tensor buffer, SgdParams p) { throw pending("sgdStep"); }
}
