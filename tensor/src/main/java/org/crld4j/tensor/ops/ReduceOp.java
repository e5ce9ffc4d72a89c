package org.crld4j.tensor.ops;

/** Reductions over dims (sums and means accumulate in double). */
public enum ReduceOp { SUM, MEAN, MAX, MIN }
