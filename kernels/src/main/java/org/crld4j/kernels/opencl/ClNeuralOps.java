package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;

/**
 * The layer ops of the OpenCL backend (convolution and its gradients, the fused eval conv-BN,
 * pooling, batch norm), kernels in {@code conv.cl} / {@code nn.cl}, implemented in
 * {@link ClConv}, {@link ClPooling} and {@link ClBatchNorm}. {@link OpenClBackend} delegates here
 * with the same contract as {@link org.crld4j.tensor.Backend}; ReLU, softmax, the losses and SGD
 * are in {@link ClLossOps}.
 */
final class ClNeuralOps {
    private final ClConv conv;
    private final ClPooling pooling;
    private final ClBatchNorm batchNorm;

    ClNeuralOps(ClDevice device) {
        this.conv = new ClConv(device);
        this.pooling = new ClPooling(device);
        this.batchNorm = new ClBatchNorm(device);
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
}
