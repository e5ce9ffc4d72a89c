package org.crld4j.tensor.ops;

import org.crld4j.tensor.Tensor;

/** Gradients of batch norm with respect to its input and, when it has them, its affine weight and bias. */
public record BatchNormGrads(Tensor dx, Tensor dgamma, Tensor dbeta) {}
