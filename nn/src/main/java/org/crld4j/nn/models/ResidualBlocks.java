package org.crld4j.nn.models;

import org.crld4j.autograd.Variable;
import org.crld4j.nn.Module;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.ConvBn;
import org.crld4j.nn.layers.Sequential;

import java.util.function.BiFunction;

/**
 * The two post-activation residual blocks the ResNets share. The projection shortcut (conv1x1 +
 * BN, where stride or width changes) is registered under the name the original code uses:
 * "downsample" in mdistiller's CIFAR ResNet and torchvision (absent for the identity), "shortcut"
 * in mdistiller's resnetv2 (an empty Sequential for the identity). The helpers here register
 * children through the owner's {@code registerModule}, passed in as {@code this::registerModule}.
 */
final class ResidualBlocks {
    private ResidualBlocks() {}

    /** Registers a child of the module under construction: that module's {@code this::registerModule}. */
    interface Registrar extends BiFunction<String, Sequential, Sequential> {}

    /** How a block names and registers its shortcut. */
    enum Shortcut {
        DOWNSAMPLE_IF_NEEDED, SHORTCUT_ALWAYS;

        Sequential register(Registrar block, int in, int out, int stride) {
            boolean project = stride != 1 || in != out;
            if (this == DOWNSAMPLE_IF_NEEDED)
                return project ? block.apply("downsample", Blocks.projection(in, out, stride)) : null;
            return block.apply("shortcut", project ? Blocks.projection(in, out, stride) : new Sequential());
        }
    }

    /** conv3x3(stride)-BN-ReLU-conv3x3-BN, add the shortcut, ReLU. */
    static final class Basic extends Module {
        private final Conv2d conv1, conv2;
        private final BatchNorm2d bn1, bn2;
        private final Sequential shortcut;

        Basic(int in, int planes, int stride, Shortcut kind) {
            conv1 = registerModule("conv1", Blocks.conv3x3(in, planes, stride));
            bn1 = registerModule("bn1", new BatchNorm2d(planes));
            conv2 = registerModule("conv2", Blocks.conv3x3(planes, planes, 1));
            bn2 = registerModule("bn2", new BatchNorm2d(planes));
            shortcut = kind.register(this::registerModule, in, planes, stride);
        }

        @Override public Variable forward(Variable x) {
            Variable y = ConvBn.forward(conv1, bn1, x, null, true);
            return ConvBn.forward(conv2, bn2, y, shortcut == null ? x : shortcut.forward(x), true);
        }
    }

    /** conv1x1-BN-ReLU-conv3x3(stride)-BN-ReLU-conv1x1(x4)-BN, add the shortcut, ReLU (ResNet V1.5). */
    static final class Bottleneck extends Module {
        static final int EXPANSION = 4;
        private final Conv2d conv1, conv2, conv3;
        private final BatchNorm2d bn1, bn2, bn3;
        private final Sequential shortcut;

        Bottleneck(int in, int planes, int stride, Shortcut kind) {
            int out = planes * EXPANSION;
            conv1 = registerModule("conv1", Blocks.conv1x1(in, planes, 1));
            bn1 = registerModule("bn1", new BatchNorm2d(planes));
            conv2 = registerModule("conv2", Blocks.conv3x3(planes, planes, stride));
            bn2 = registerModule("bn2", new BatchNorm2d(planes));
            conv3 = registerModule("conv3", Blocks.conv1x1(planes, out, 1));
            bn3 = registerModule("bn3", new BatchNorm2d(out));
            shortcut = kind.register(this::registerModule, in, out, stride);
        }

        @Override public Variable forward(Variable x) {
            Variable y = ConvBn.forward(conv1, bn1, x, null, true);
            y = ConvBn.forward(conv2, bn2, y, null, true);
            return ConvBn.forward(conv3, bn3, y, shortcut == null ? x : shortcut.forward(x), true);
        }
    }

    /**
     * One stage of {@code blocks} residual blocks; the first has the stage's stride. {@code in[0]}
     * is the incoming width and is updated to the outgoing one.
     */
    static Sequential stage(int[] in, int planes, int blocks, int stride, boolean bottleneck, Shortcut kind) {
        Sequential s = new Sequential();
        for (int i = 0; i < blocks; i++) {
            int st = i == 0 ? stride : 1;
            s.add(bottleneck ? new Bottleneck(in[0], planes, st, kind) : new Basic(in[0], planes, st, kind));
            in[0] = planes * (bottleneck ? Bottleneck.EXPANSION : 1);
        }
        return s;
    }

    /** The four stages (64, 128, 256, 512 planes; strides 1, 2, 2, 2) shared by ResNet18/34/50 in both layouts. */
    static Sequential[] fourStages(Registrar owner, boolean bottleneck, int[] blocks, Shortcut kind) {
        int[] in = {64}, planes = {64, 128, 256, 512};
        Sequential[] layers = new Sequential[4];
        for (int s = 0; s < 4; s++)
            layers[s] = owner.apply("layer" + (s + 1), stage(in, planes[s], blocks[s], s == 0 ? 1 : 2, bottleneck, kind));
        return layers;
    }
}
