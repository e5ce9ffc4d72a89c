package org.crld4j.tensor.ops;

import org.crld4j.tensor.Tensor;

/** Batch norm's output and what its backward needs (the statistics used), private to the backend that computed it. */
public record BatchNormResult(Tensor output, Object saved) {}
