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
 * mdistiller's CIFAR ResNet (resnet8 ... resnet110, resnet8x4, resnet32x4): conv3x3 stem, three
 * stages of n = (depth - 2) / 6 post-activation basic blocks (strides 1, 2, 2; a projection
 * shortcut where stride or width changes), average pooling over the final map, fc.
 * With 32x32 inputs the pooling is AvgPool2d(8); the Tiny-ImageNet copy pools globally, which
 * is the same operation on a square final map, so one class serves both.
 */
public final class CifarResNet extends Classifier {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential layer1, layer2, layer3;
    private final Linear fc;

    public CifarResNet(int depth, int[] filters, int numClasses, Rng rng) {
        if ((depth - 2) % 6 != 0) throw new IllegalArgumentException("CIFAR ResNet depth must be 6n+2, got " + depth);
        int n = (depth - 2) / 6;
        conv1 = registerModule("conv1", new Conv2d(3, filters[0], 3, 1, 1));
        bn1 = registerModule("bn1", new BatchNorm2d(filters[0]));
        int[] in = {filters[0]};
        layer1 = registerModule("layer1", ResidualBlocks.stage(in, filters[1], n, 1, false, ResidualBlocks.Shortcut.DOWNSAMPLE_IF_NEEDED));
        layer2 = registerModule("layer2", ResidualBlocks.stage(in, filters[2], n, 2, false, ResidualBlocks.Shortcut.DOWNSAMPLE_IF_NEEDED));
        layer3 = registerModule("layer3", ResidualBlocks.stage(in, filters[3], n, 2, false, ResidualBlocks.Shortcut.DOWNSAMPLE_IF_NEEDED));
        fc = registerModule("fc", new Linear(filters[3], numClasses));
        initDefaults(rng);
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) Init.kaimingNormalFanOut(c.weight().data(), rng);
        }
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable h = ConvBn.forward(conv1, bn1, x, null, true);
        h = layer3.forward(layer2.forward(layer1.forward(h)));
        Variable pooled = Pooling.globalAvg(h).flatten(1, 3);
        return new Output(fc.forward(pooled), pooled);
    }
}
