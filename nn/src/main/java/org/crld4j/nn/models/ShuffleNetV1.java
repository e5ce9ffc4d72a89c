package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.ChannelShuffle;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.ConvBn;
import org.crld4j.nn.layers.Linear;
import org.crld4j.nn.layers.Pooling;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.tensor.Rng;

import java.util.List;

/**
 * mdistiller's CIFAR ShuffleNetV1 ("ShuffleV1": out planes 240/480/960, blocks 4/8/4, groups 3):
 * 1x1 stem, bottlenecks with grouped 1x1 convs and a channel shuffle; a stride-2 block
 * concatenates an AvgPool2d(3, 2, 1) shortcut (zero padding counted). PyTorch default init.
 */
public final class ShuffleNetV1 extends Classifier {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Sequential layer1, layer2, layer3;
    private final Linear linear;

    static final class Bottleneck extends Module {
        private final Conv2d conv1, conv2, conv3;
        private final BatchNorm2d bn1, bn2, bn3;
        private final ChannelShuffle shuffle1;
        private final Sequential shortcut;
        private final int stride;

        Bottleneck(int in, int out, int stride, int groups) {
            this.stride = stride;
            int mid = out / 4;
            int g = in == 24 ? 1 : groups;
            conv1 = registerModule("conv1", new Conv2d(in, mid, 1, 1, 0, g, false));
            bn1 = registerModule("bn1", new BatchNorm2d(mid));
            shuffle1 = registerModule("shuffle1", new ChannelShuffle(g));
            conv2 = registerModule("conv2", new Conv2d(mid, mid, 3, stride, 1, mid, false));
            bn2 = registerModule("bn2", new BatchNorm2d(mid));
            conv3 = registerModule("conv3", new Conv2d(mid, out, 1, 1, 0, groups, false));
            bn3 = registerModule("bn3", new BatchNorm2d(out));
            shortcut = registerModule("shortcut", stride == 2 ? new Sequential(new Pooling.AvgPool2d(3, 2, 1, false, true)) : new Sequential());
        }

        @Override public Variable forward(Variable x) {
            Variable y = shuffle1.forward(ConvBn.forward(conv1, bn1, x, null, true));
            y = ConvBn.forward(conv2, bn2, y, null, true);
            Variable res = shortcut.forward(x);
            if (stride == 2) return Variable.cat(List.of(ConvBn.forward(conv3, bn3, y, null, false), res), 1).relu();
            return ConvBn.forward(conv3, bn3, y, res, true);
        }
    }

    public ShuffleNetV1(int[] outPlanes, int[] numBlocks, int groups, int numClasses, Rng rng) {
        conv1 = registerModule("conv1", new Conv2d(3, 24, 1, 1, 0));
        bn1 = registerModule("bn1", new BatchNorm2d(24));
        int[] in = {24};
        layer1 = registerModule("layer1", stage(in, outPlanes[0], numBlocks[0], groups));
        layer2 = registerModule("layer2", stage(in, outPlanes[1], numBlocks[1], groups));
        layer3 = registerModule("layer3", stage(in, outPlanes[2], numBlocks[2], groups));
        linear = registerModule("linear", new Linear(outPlanes[2], numClasses));
        initDefaults(rng);
    }

    private static Sequential stage(int[] in, int out, int blocks, int groups) {
        Sequential s = new Sequential();
        for (int i = 0; i < blocks; i++) {
            int cat = i == 0 ? in[0] : 0;
            s.add(new Bottleneck(in[0], out - cat, i == 0 ? 2 : 1, groups));
            in[0] = out;
        }
        return s;
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable y = ConvBn.forward(conv1, bn1, x, null, true);
        y = layer3.forward(layer2.forward(layer1.forward(y)));
        Variable pooled = Pooling.globalAvg(y).flatten(1, 3);
        return new Output(linear.forward(pooled), pooled);
    }
}
