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
 * mdistiller's CIFAR ShuffleNetV2 ("ShuffleV2" = net size 1: channels 116/232/464/1024, blocks
 * 3/7/3): 1x1 stem, each stage a down block (two branches, concatenated and shuffled) then basic
 * blocks (split channels in half, transform the second half, concatenate, shuffle); 1x1 head conv
 * to 1024, global average pooling, `linear`. PyTorch default init.
 */
public final class ShuffleNetV2 extends Classifier {
    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final Sequential layer1, layer2, layer3;
    private final Linear linear;

    static final class Basic extends Module {
        private final Conv2d conv1, conv2, conv3;
        private final BatchNorm2d bn1, bn2, bn3;
        private final ChannelShuffle shuffle;
        private final int half;

        Basic(int channels) {
            half = channels / 2;
            conv1 = registerModule("conv1", new Conv2d(half, half, 1, 1, 0));
            bn1 = registerModule("bn1", new BatchNorm2d(half));
            conv2 = registerModule("conv2", new Conv2d(half, half, 3, 1, 1, half, false));
            bn2 = registerModule("bn2", new BatchNorm2d(half));
            conv3 = registerModule("conv3", new Conv2d(half, half, 1, 1, 0));
            bn3 = registerModule("bn3", new BatchNorm2d(half));
            shuffle = registerModule("shuffle", new ChannelShuffle(2));
        }

        @Override public Variable forward(Variable x) {
            int c = x.data().size(1);
            Variable x1 = x.narrow(1, 0, half), x2 = x.narrow(1, half, c - half);
            Variable y = ConvBn.forward(conv1, bn1, x2, null, true);
            y = ConvBn.forward(conv2, bn2, y, null, false);
            y = ConvBn.forward(conv3, bn3, y, null, true);
            return shuffle.forward(Variable.cat(List.of(x1, y), 1));
        }
    }

    static final class Down extends Module {
        private final Conv2d conv1, conv2, conv3, conv4, conv5;
        private final BatchNorm2d bn1, bn2, bn3, bn4, bn5;
        private final ChannelShuffle shuffle;

        Down(int in, int out) {
            int mid = out / 2;
            conv1 = registerModule("conv1", new Conv2d(in, in, 3, 2, 1, in, false));
            bn1 = registerModule("bn1", new BatchNorm2d(in));
            conv2 = registerModule("conv2", new Conv2d(in, mid, 1, 1, 0));
            bn2 = registerModule("bn2", new BatchNorm2d(mid));
            conv3 = registerModule("conv3", new Conv2d(in, mid, 1, 1, 0));
            bn3 = registerModule("bn3", new BatchNorm2d(mid));
            conv4 = registerModule("conv4", new Conv2d(mid, mid, 3, 2, 1, mid, false));
            bn4 = registerModule("bn4", new BatchNorm2d(mid));
            conv5 = registerModule("conv5", new Conv2d(mid, mid, 1, 1, 0));
            bn5 = registerModule("bn5", new BatchNorm2d(mid));
            shuffle = registerModule("shuffle", new ChannelShuffle(2));
        }

        @Override public Variable forward(Variable x) {
            Variable left = ConvBn.forward(conv2, bn2, ConvBn.forward(conv1, bn1, x, null, false), null, true);
            Variable right = ConvBn.forward(conv3, bn3, x, null, true);
            right = ConvBn.forward(conv5, bn5, ConvBn.forward(conv4, bn4, right, null, false), null, true);
            return shuffle.forward(Variable.cat(List.of(left, right), 1));
        }
    }

    public ShuffleNetV2(int[] outChannels, int[] numBlocks, int numClasses, Rng rng) {
        conv1 = registerModule("conv1", new Conv2d(3, 24, 1, 1, 0));
        bn1 = registerModule("bn1", new BatchNorm2d(24));
        int[] in = {24};
        layer1 = registerModule("layer1", stage(in, outChannels[0], numBlocks[0]));
        layer2 = registerModule("layer2", stage(in, outChannels[1], numBlocks[1]));
        layer3 = registerModule("layer3", stage(in, outChannels[2], numBlocks[2]));
        conv2 = registerModule("conv2", new Conv2d(outChannels[2], outChannels[3], 1, 1, 0));
        bn2 = registerModule("bn2", new BatchNorm2d(outChannels[3]));
        linear = registerModule("linear", new Linear(outChannels[3], numClasses));
        initDefaults(rng);
    }

    private static Sequential stage(int[] in, int out, int blocks) {
        Sequential s = new Sequential(new Down(in[0], out));
        for (int i = 0; i < blocks; i++) s.add(new Basic(out));
        in[0] = out;
        return s;
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable y = ConvBn.forward(conv1, bn1, x, null, true);
        y = layer3.forward(layer2.forward(layer1.forward(y)));
        y = ConvBn.forward(conv2, bn2, y, null, true);
        Variable pooled = Pooling.globalAvg(y).flatten(1, 3);
        return new Output(linear.forward(pooled), pooled);
    }
}
