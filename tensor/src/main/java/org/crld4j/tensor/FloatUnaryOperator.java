package org.crld4j.tensor;

@FunctionalInterface
public interface FloatUnaryOperator {
    float apply(float x);
}
