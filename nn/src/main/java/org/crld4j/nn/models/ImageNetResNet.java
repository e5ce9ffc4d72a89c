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
 * ImageNet ResNet18/34/50 with torchvision's layout and state-dict names (7x7/2 stem, 3x3/2
 * max-pool, four stages, stride in the 3x3 conv of the bottleneck, global average pooling, fc),
 * so torchvision's checkpoints load directly. Init as mdistiller: conv N(0, sqrt(2/(k*k*out))).
 */
public final class ImageNetResNet extends Classifier {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Pooling.MaxPool2d maxpool;
    private final Sequential[] layers;
    private final Linear fc;

    public ImageNetResNet(boolean bottleneck, int[] blocks, int numClasses, Rng rng) {
        int expansion = bottleneck ? 4 : 1;
        conv1 = registerModule("conv1", new Conv2d(3, 64, 7, 2, 3));
        bn1 = registerModule("bn1", new BatchNorm2d(64));
        maxpool = registerModule("maxpool", new Pooling.MaxPool2d(3, 2, 1, false));
        layers = ResidualBlocks.fourStages(this::registerModule, bottleneck, blocks, ResidualBlocks.Shortcut.DOWNSAMPLE_IF_NEEDED);
        fc = registerModule("fc", new Linear(512 * expansion, numClasses));
        initDefaults(rng);
        for (Module m : namedModules().values())
            if (m instanceof Conv2d c) Init.normal(c.weight().data(), rng, 0, Math.sqrt(2.0 / Init.fanOut(c.weight().data())));
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable h = maxpool.forward(ConvBn.forward(conv1, bn1, x, null, true));
        for (Sequential l : layers) h = l.forward(h);
        Variable pooled = Pooling.globalAvg(h).flatten(1, 3);
        return new Output(fc.forward(pooled), pooled);
    }
}
