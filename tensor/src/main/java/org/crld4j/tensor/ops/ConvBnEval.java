package org.crld4j.tensor.ops;

import org.crld4j.tensor.Tensor;

/**
 * An optional capability of a backend: eval-mode {@code relu?(batch_norm(conv2d(x)) + residual?)}
 * with running statistics in one pass, equal bit for bit to the separate ops of the same backend.
 * Callers that find none compose the separate ops.
 */
@FunctionalInterface
public interface ConvBnEval {
    Tensor apply(Tensor x, Tensor weight, Tensor bias, ConvParams p, Tensor gamma, Tensor beta,
                 Tensor runningMean, Tensor runningVar, float eps, Tensor residual, boolean relu);
}
