package org.crld4j.tensor.ops;

/** Elementwise functions of one tensor and up to two scalars {@code a, b} (for ADD/MUL/DIV/POW/compare: a; CLAMP: [a, b]). */
public enum UnaryOp { NEG, EXP, LOG, SQRT, ABS, RELU, SIGN, ADD, MUL, DIV, POW, GT, GE, LT, LE, EQ, CLAMP }
