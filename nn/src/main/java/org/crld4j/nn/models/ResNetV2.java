package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Init;
import org.crld4j.nn.Module;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.ConvBn;
import org.crld4j.nn.layers.Linear;
import org.crld4j.nn.layers.Pooling;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.tensor.Rng;

/**
 * mdistiller's resnetv2 (CIFAR ResNet18/34/50): conv3x3 stride-1 stem with 64 filters and no
 * max-pool, four stages (64, 128, 256, 512 planes; strides 1, 2, 2, 2), global average pooling,
 * `linear`. The shortcut is an empty Sequential for the identity, else conv1x1 + BN.
 */
public final class ResNetV2 extends Classifier {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential[] layers;
    private final Linear linear;

    public ResNetV2(boolean bottleneck, int[] blocks, int numClasses, Rng rng) {
        int expansion = bottleneck ? ResidualBlocks.Bottleneck.EXPANSION : 1;
        conv1 = registerModule("conv1", new Conv2d(3, 64, 3, 1, 1));
        bn1 = registerModule("bn1", new BatchNorm2d(64));
        layers = ResidualBlocks.fourStages(this::registerModule, bottleneck, blocks, ResidualBlocks.Shortcut.SHORTCUT_ALWAYS);
        linear = registerModule("linear", new Linear(512 * expansion, numClasses));
        initDefaults(rng);
        for (Module m : namedModules().values()) if (m instanceof Conv2d c) Init.kaimingNormalFanOut(c.weight().data(), rng);
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable h = ConvBn.forward(conv1, bn1, x, null, true);
        for (Sequential l : layers) h = l.forward(h);
        Variable pooled = Pooling.globalAvg(h).flatten(1, 3);
        return new Output(linear.forward(pooled), pooled);
    }
}
