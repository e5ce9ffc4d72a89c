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
 * mdistiller's CIFAR MobileNetV2 ("MobileNetV2" = mobile_half: expansion T = 6, width 0.5):
 * stride-2 stem, inverted residuals that always have the 1x1 expansion (even for t = 1), ReLU,
 * 1x1 conv to 1280, AvgPool2d(input/16, ceil_mode), classifier Sequential(Linear).
 */
public final class MobileNetV2 extends Classifier {
    private final Sequential conv1, conv2, classifier;
    private final Sequential blocks;
    private final Pooling.AvgPool2d avgpool;

    static final class InvertedResidual extends Module {
        private final Sequential conv;
        private final boolean residual;

        InvertedResidual(int in, int out, int stride, int t) {
            int hid = in * t;
            residual = stride == 1 && in == out;
            conv = registerModule("conv", new Sequential(
                    new Conv2d(in, hid, 1, 1, 0), new BatchNorm2d(hid), new Activations.ReLU(),
                    new Conv2d(hid, hid, 3, stride, 1, hid, false), new BatchNorm2d(hid), new Activations.ReLU(),
                    new Conv2d(hid, out, 1, 1, 0), new BatchNorm2d(out)));
        }

        @Override public Variable forward(Variable x) {
            Variable y = conv.forward(x);
            return residual ? x.add(y) : y;
        }
    }

    public MobileNetV2(int expansion, double widthMult, int numClasses, int inputSize, Rng rng) {
        int[][] settings = {{1, 16, 1, 1}, {expansion, 24, 2, 1}, {expansion, 32, 3, 2}, {expansion, 64, 4, 2},
                {expansion, 96, 3, 1}, {expansion, 160, 3, 2}, {expansion, 320, 1, 1}};
        int in = (int) (32 * widthMult);
        conv1 = registerModule("conv1", new Sequential(new Conv2d(3, in, 3, 2, 1), new BatchNorm2d(in), new Activations.ReLU()));
        blocks = registerModule("blocks", new Sequential());
        for (int[] s : settings) {
            int out = (int) (s[1] * widthMult);
            Sequential stage = new Sequential();
            for (int i = 0; i < s[2]; i++) {
                stage.add(new InvertedResidual(in, out, i == 0 ? s[3] : 1, s[0]));
                in = out;
            }
            blocks.add(stage);
        }
        int last = widthMult > 1.0 ? (int) (1280 * widthMult) : 1280;
        conv2 = registerModule("conv2", new Sequential(new Conv2d(in, last, 1, 1, 0), new BatchNorm2d(last), new Activations.ReLU()));
        classifier = registerModule("classifier", new Sequential(new Linear(last, numClasses)));
        avgpool = registerModule("avgpool", new Pooling.AvgPool2d(inputSize / 16, inputSize / 16, 0, true, true));
        initDefaults(rng);
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) Init.normal(c.weight().data(), rng, 0, Math.sqrt(2.0 / Init.fanOut(c.weight().data())));
            else if (m instanceof Linear l) {
                Init.normal(l.weight().data(), rng, 0, 0.01);
                l.bias().data().fill(0f);
            }
        }
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable y = conv2.forward(blocks.forward(conv1.forward(x)));
        Variable pooled = avgpool.forward(y).flatten(1, 3);
        return new Output(classifier.forward(pooled), pooled);
    }
}
