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
 * mdistiller's Wide ResNet (wrn_16_1, wrn_16_2, wrn_40_1, wrn_40_2): pre-activation blocks,
 * channels [16, 16k, 32k, 64k], n = (depth - 4) / 6 blocks per group. Faithful to mdistiller's
 * forward, which also computes three unused "pre-activation" features by re-applying
 * block2.layer.0.bn1, block3.layer.0.bn1 and bn1: in training mode those three batch norms update
 * their running statistics a second time per forward.
 */
public final class WideResNet extends Classifier {
    private final Conv2d conv1;
    private final Module block1, block2, block3;
    private final BatchNorm2d bn1;
    private final Linear fc;
    private final BatchNorm2d block2FirstBn, block3FirstBn;

    static final class Block extends Module {
        final BatchNorm2d bn1, bn2;
        private final Conv2d conv1, conv2, convShortcut;

        Block(int in, int out, int stride) {
            bn1 = registerModule("bn1", new BatchNorm2d(in));
            conv1 = registerModule("conv1", Blocks.conv3x3(in, out, stride));
            bn2 = registerModule("bn2", new BatchNorm2d(out));
            conv2 = registerModule("conv2", Blocks.conv3x3(out, out, 1));
            convShortcut = in == out ? null : registerModule("convShortcut", Blocks.conv1x1(in, out, stride));
        }

        @Override public Variable forward(Variable x) {
            Variable a = bn1.forward(x, null, true); // relu(bn1(x)) as one op, the same numbers
            Variable y = ConvBn.forward(conv1, bn2, a, null, true);
            y = conv2.forward(y);
            return (convShortcut == null ? x : convShortcut.forward(a)).add(y);
        }
    }

    /** mdistiller's NetworkBlock: a holder whose only child is the Sequential `layer`. */
    static final class Group extends Module {
        final Sequential layer;

        Group(int blocks, int in, int out, int stride) {
            Sequential s = new Sequential();
            for (int i = 0; i < blocks; i++) s.add(new Block(i == 0 ? in : out, out, i == 0 ? stride : 1));
            layer = registerModule("layer", s);
        }

        @Override public Variable forward(Variable x) { return layer.forward(x); }
    }

    public WideResNet(int depth, int widen, int numClasses, Rng rng) {
        if ((depth - 4) % 6 != 0) throw new IllegalArgumentException("WRN depth must be 6n+4, got " + depth);
        int n = (depth - 4) / 6;
        int[] ch = {16, 16 * widen, 32 * widen, 64 * widen};
        conv1 = registerModule("conv1", Blocks.conv3x3(3, ch[0], 1));
        Group g1 = registerModule("block1", new Group(n, ch[0], ch[1], 1));
        Group g2 = registerModule("block2", new Group(n, ch[1], ch[2], 2));
        Group g3 = registerModule("block3", new Group(n, ch[2], ch[3], 2));
        block1 = g1;
        block2 = g2;
        block3 = g3;
        bn1 = registerModule("bn1", new BatchNorm2d(ch[3]));
        fc = registerModule("fc", new Linear(ch[3], numClasses));
        block2FirstBn = ((Block) g2.layer.get(0)).bn1;
        block3FirstBn = ((Block) g3.layer.get(0)).bn1;
        initDefaults(rng);
        for (Module m : namedModules().values()) {
            if (m instanceof Conv2d c) Init.normal(c.weight().data(), rng, 0, Math.sqrt(2.0 / Init.fanOut(c.weight().data())));
            else if (m instanceof Linear l) l.bias().data().fill(0f);
        }
    }

    @Override public Output forwardWithFeatures(Variable x) {
        Variable f1 = block1.forward(conv1.forward(x));
        Variable f2 = block2.forward(f1);
        Variable f3 = block3.forward(f2);
        Variable pooled = Pooling.globalAvg(bn1.forward(f3, null, true)).flatten(1, 3);
        Variable logits = fc.forward(pooled);
        if (isTraining()) { // mdistiller's unused pre-activation features: their only effect is on running statistics
            block2FirstBn.forward(f1.detach());
            block3FirstBn.forward(f2.detach());
            bn1.forward(f3.detach());
        }
        return new Output(logits, pooled);
    }
}
