package org.crld4j.tensor.ops;

import org.crld4j.tensor.Tensor;

/** The mean cross-entropy (a scalar tensor) and what its backward needs, private to the backend. */
public record CrossEntropyResult(Tensor loss, Object saved) {}
