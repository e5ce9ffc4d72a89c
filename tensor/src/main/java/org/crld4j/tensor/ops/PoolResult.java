package org.crld4j.tensor.ops;

import org.crld4j.tensor.Tensor;

/** Max pooling's output and where each maximum came from, in a form private to the backend that computed it. */
public record PoolResult(Tensor output, Object argmax) {}
