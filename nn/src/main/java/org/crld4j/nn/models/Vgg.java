package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Init;
import org.crld4j.nn.Module;
import org.crld4j.nn.layers.Activations;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.Linear;
import org.crld4j.nn.layers.Pooling;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.tensor.Rng;

/**
 * mdistiller's CIFAR VGG with batch norm (vgg8 = cfg S, vgg11 = A, vgg13 = B, vgg16 = D,
 * vgg19 = E): five blocks of conv3x3 (with bias) - BN - ReLU, each block's last ReLU dropped and
 * applied in forward; max-pool after blocks 0-2, after block 3 only for 64x64 inputs;
 * adaptive average pooling; Linear(512, classes).
 */
public final class Vgg extends Classifier {
    public static final int[][] S = {{64}, {128}, {256}, {512}, {512}};
    public static final int[][] A = {{64}, {128}, {256, 256}, {512, 512}, {512, 512}};
    public static final int[][] B = {{64, 64}, {128, 128}, {256, 256}, {512, 512}, {512, 512}};
    public static final int[][] D = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
    public static final int[][] E = {{64, 64}, {128, 128}, {256, 256, 256, 256}, {512, 512, 512, 512}, {512, 512, 512, 512}};

    private final Sequential[] blocks = new Sequential[5];
    private final Pooling.MaxPool2d[] pools = new Pooling.MaxPool2d[4];
    private final Pooling.AdaptiveAvgPool2d pool4;
    private final Linear classifier;

    public Vgg(int[][] cfg, int numClasses, Rng rng) {
        int in = 3;
        for (int b = 0; b < 5; b++) {
            Sequential s = new Sequential();
            for (int i = 0; i < cfg[b].length; i++) {
                s.add(new Conv2d(in, cfg[b][i], 3, 1, 1, 1, true)).add(new BatchNorm2d(cfg[b][i]));
                if (i < cfg[b].length - 1) s.add(new Activations.ReLU());
                in = cfg[b][i];
            }
            blocks[b] = registerModule("block" + b, s);
        }
        for (int p = 0; p < 4; p++) pools[p] = registerModule("pool" + p, new Pooling.MaxPool2d(2, 2));
        pool4 = registerModule("pool4", new Pooling.AdaptiveAvgPool2d(1, 1));
        classifier = registerModule("classifier", new Linear(512, numClasses));
        initDefaults(rng);
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) {
                Init.normal(c.weight().data(), rng, 0, Math.sqrt(2.0 / Init.fanOut(c.weight().data())));
                c.bias().data().fill(0f);
            } else if (m instanceof Linear l) {
                Init.normal(l.weight().data(), rng, 0, 0.01);
                l.bias().data().fill(0f);
            }
        }
    }

    @Override public Output forwardWithFeatures(Variable x) {
        int h = x.data().size(2);
        Variable y = blocks[0].forward(x).relu();
        y = blocks[1].forward(pools[0].forward(y)).relu();
        y = blocks[2].forward(pools[1].forward(y)).relu();
        y = blocks[3].forward(pools[2].forward(y)).relu();
        if (h == 64) y = pools[3].forward(y);
        y = blocks[4].forward(y).relu();
        Variable pooled = pool4.forward(y).flatten(1, 3);
        return new Output(classifier.forward(pooled), pooled);
    }
}
