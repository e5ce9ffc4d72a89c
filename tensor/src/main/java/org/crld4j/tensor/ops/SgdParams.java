package org.crld4j.tensor.ops;

/** torch.optim.SGD's hyperparameters for one update. */
public record SgdParams(float lr, float momentum, float dampening, float weightDecay, boolean nesterov) {}
