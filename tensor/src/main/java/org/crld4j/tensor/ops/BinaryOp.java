package org.crld4j.tensor.ops;

/** Elementwise functions of two broadcast tensors; comparisons give 0/1 masks; MAX/MIN propagate NaN. */
public enum BinaryOp { ADD, SUB, MUL, DIV, POW, MAX, MIN, EQ, NE, GT, GE, LT, LE }
