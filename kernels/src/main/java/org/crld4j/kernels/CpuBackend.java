package org.crld4j.kernels;

import org.crld4j.tensor.MatMul;
import org.crld4j.tensor.ReferenceBackend;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.Ranges;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.ConvBnEval;
import org.crld4j.tensor.ops.ConvParams;

/**
 * The fast CPU backend: the reference backend's loops where they are already as fast as they
 * get (elementwise, reductions, indexing, losses, the SGD update), and Vector API kernels on the
 * shared {@link Parallel} pool for the rest: SGEMM, convolution (Winograd, im2col, depthwise, the
 * fused eval epilogue), batch norm, ReLU; pooling and softmax run the host loops over the pool.
 */
public final class CpuBackend extends ReferenceBackend {
    private static final Ranges PARALLEL = (n, body) -> Parallel.forRange(n, body::run);

    @Override public String name() { return "cpu"; }
    @Override public int priority() { return 10; }

    @Override public String describe() {
        return "cpu (" + VectorWidth.describe() + ", " + Parallel.threads() + " threads)";
    }

    @Override public int threads() { return Parallel.threads(); }

    @Override public void setThreads(int n) { Parallel.setThreads(n); }

    @Override protected Ranges ranges() { return PARALLEL; }

    @Override public Tensor matmul(Tensor a, Tensor b) { return MatMul.matmul(a, b, Sgemm::gemm); }

    @Override public Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p) { return Conv2d.forward(x, w, bias, p); }

    @Override public Tensor conv2dBackwardInput(Tensor dy, Tensor w, int[] xShape, ConvParams p) { return Conv2d.backwardInput(dy, w, xShape, p); }

    @Override public Tensor conv2dBackwardWeight(Tensor dy, Tensor x, int[] wShape, ConvParams p) { return Conv2d.backwardWeight(dy, x, wShape, p); }

    @Override public Tensor conv2dBackwardBias(Tensor dy) { return Conv2d.backwardBias(dy); }

    @Override public ConvBnEval convBnEval() {
        return (x, w, bias, p, gamma, beta, runningMean, runningVar, eps, residual, relu) ->
                Conv2d.forward(x, w, bias, p, ConvEpilogue.batchNorm(gamma, beta, runningMean, runningVar, eps, residual, relu));
    }

    @Override public BatchNormResult batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                               boolean training, float momentum, float eps) {
        return batchNormAct(x, gamma, beta, runningMean, runningVar, training, momentum, eps, null, false);
    }

    @Override public BatchNormResult batchNormAct(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                                  boolean training, float momentum, float eps, Tensor residual, boolean relu) {
        BatchNorm.Forward f = BatchNorm.forward(x, gamma, beta, runningMean, runningVar, training, momentum, eps, residual, relu);
        // the backward reads the statistics only: saving f itself would keep the output alive until then
        return new BatchNormResult(f.output(), new BatchNorm.Stats(f.mean(), f.invStd()));
    }

    @Override public BatchNormGrads batchNormBackward(Tensor dy, Tensor x, Tensor gamma, BatchNormResult forward, boolean training) {
        BatchNorm.Stats f = (BatchNorm.Stats) forward.saved();
        BatchNorm.Backward b = BatchNorm.backward(dy, x, gamma, f.mean(), f.invStd(), training);
        return new BatchNormGrads(b.dx(), b.dgamma(), b.dbeta());
    }

    @Override public Tensor relu(Tensor x) { return Relu.forward(x); }

    @Override public Tensor reluBackward(Tensor dy, Tensor y) { return Relu.backward(dy, y); }
}
