package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.Activations;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.Linear;
import org.crld4j.nn.layers.Pooling;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.tensor.Rng;

/**
 * mdistiller's ImageNet MobileNetV1 (width 1.0, 224 input): `model` is a Sequential of a
 * conv-BN-ReLU stem and 13 depthwise-separable blocks (dw3x3-BN-ReLU-pw1x1-BN-ReLU) then the
 * pooling, followed by `fc`. PyTorch default init.
 */
public final class MobileNetV1 extends Classifier {
    private static final int[][] DW = {{32, 64, 1}, {64, 128, 2}, {128, 128, 1}, {128, 256, 2}, {256, 256, 1}, {256, 512, 2},
            {512, 512, 1}, {512, 512, 1}, {512, 512, 1}, {512, 512, 1}, {512, 512, 1}, {512, 1024, 2}, {1024, 1024, 1}};

    private final Sequential model;
    private final Linear fc;

    public MobileNetV1(int numClasses, Rng rng) {
        model = registerModule("model", new Sequential(
                new Sequential(new Conv2d(3, 32, 3, 2, 1), new BatchNorm2d(32), new Activations.ReLU())));
        for (int[] d : DW)
            model.add(new Sequential(new Conv2d(d[0], d[0], 3, d[2], 1, d[0], false), new BatchNorm2d(d[0]), new Activations.ReLU(),
                    new Conv2d(d[0], d[1], 1, 1, 0), new BatchNorm2d(d[1]), new Activations.ReLU()));
        model.add(new Pooling.AdaptiveAvgPool2d(1, 1));
        fc = registerModule("fc", new Linear(1024, numClasses));
        initDefaults(rng);
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable pooled = model.forward(x).flatten(1, 3);
        return new Output(fc.forward(pooled), pooled);
    }
}
