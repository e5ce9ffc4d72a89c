package org.crld4j.nn;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.Activations;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.Sequential;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused eval-mode conv-BN-(add)-ReLU path must equal the separate modules bit for bit. */
class ConvBnFusionTest {
    @Test void fusedEvalForwardEqualsSeparateOpsBitForBit() {
        // basic blocks with both shortcut kinds, bottlenecks (ResNet50), grouped and depthwise
        // convolutions (ShuffleNets, MobileNetV2), Sequential blocks (vgg8, MobileNetV2)
        for (String name : new String[] {"resnet8x4", "resnet20", "wrn_16_2", "ResNet50", "ShuffleV1", "ShuffleV2", "MobileNetV2", "vgg8"}) {
            Classifier m = ModelZoo.create(name, 10, new Rng(1));
            Rng rng = new Rng(2);
            for (Module sub : m.namedModules().values()) {
                if (sub instanceof BatchNorm2d bn) { // non-trivial running statistics and affine parameters
                    bn.runningMean().copyFrom(Tensor.randn(rng, bn.channels).mul(0.1f));
                    bn.runningVar().copyFrom(Tensor.uniform(rng, 0.5f, 1.5f, bn.channels));
                    bn.weight().data().copyFrom(Tensor.uniform(rng, 0.5f, 1.5f, bn.channels));
                    bn.bias().data().copyFrom(Tensor.randn(rng, bn.channels).mul(0.1f));
                }
            }
            m.eval();
            // 30 x 30: rows of 900 and 225 pixels exercise the scalar tails beside the vector loops
            Variable x = Variable.constant(Tensor.randn(new Rng(3), 2, 3, 30, 30));
            Variable separate = m.forward(x); // parameters require grad: the separate modules, recorded
            assertTrue(separate.requiresGrad(), name + ": expected the unfused, recorded path");
            Variable fused;
            try (var s = Autograd.noGrad()) { fused = m.forward(x); }
            assertNull(fused.gradFn(), name + ": no graph under no_grad");
            assertArrayEquals(separate.data().contiguous().array(), fused.data().contiguous().array(), name + ": fused != separate");
        }
    }

    /** Sequential runs Conv2d, BatchNorm2d (, ReLU) as ConvBn: outputs and every gradient as the modules one by one. */
    @Test void sequentialConvBnReluEqualsTheModulesInTurn() {
        for (boolean relu : new boolean[] {true, false}) {
            for (boolean training : new boolean[] {true, false}) {
                Sequential seq = new Sequential(new Conv2d(4, 6, 3, 2, 1, 2, true), new BatchNorm2d(6));
                if (relu) seq.add(new Activations.ReLU());
                seq.add(new Conv2d(6, 6, 3, 1, 1, 6, false)).add(new BatchNorm2d(6)); // depthwise, last in the list
                seq.initDefaults(new Rng(4));
                seq.train(training);
                Tensor x = Tensor.randn(new Rng(5), 3, 4, 9, 9);
                Variable xa = Variable.leaf(x.contiguous()), xb = Variable.leaf(x.contiguous());
                Variable fused = seq.forward(xa);
                Variable y = xb;
                for (Module m : seq.layers()) y = m.forward(y);
                String what = (relu ? "conv-BN-ReLU" : "conv-BN") + (training ? ", training" : ", eval");
                assertArrayEquals(y.data().contiguous().array(), fused.data().contiguous().array(), what + ": output");
                fused.mul(fused).sum().backward();
                Tensor[] fusedGrads = seq.parameters().stream().map(v -> v.grad().contiguous()).toArray(Tensor[]::new);
                seq.zeroGrad();
                y.mul(y).sum().backward();
                Tensor[] grads = seq.parameters().stream().map(v -> v.grad().contiguous()).toArray(Tensor[]::new);
                for (int i = 0; i < grads.length; i++) assertArrayEquals(grads[i].array(), fusedGrads[i].array(), what + ": gradient " + i);
                assertArrayEquals(xb.grad().contiguous().array(), xa.grad().contiguous().array(), what + ": input gradient");
                if (relu) // and the fused op was the one recorded
                    assertEquals("batch_norm_relu", new Sequential(seq.get(0), seq.get(1), seq.get(2)).forward(Variable.leaf(x)).gradFn(), what);
            }
        }
    }

    /** A batch norm whose width does not match the convolution before it is named, fused or not. */
    @Test void aMismatchedBatchNormIsNamedOnEveryPath() {
        Sequential seq = new Sequential(new Conv2d(4, 6, 3, 1, 1), new BatchNorm2d(5), new Activations.ReLU());
        seq.initDefaults(new Rng(1));
        Variable x = Variable.constant(Tensor.randn(new Rng(2), 1, 4, 8, 8));
        for (boolean training : new boolean[] {true, false}) {
            seq.train(training);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                try (var s = Autograd.noGrad()) { seq.forward(x); }
            });
            assertTrue(e.getMessage().startsWith("BatchNorm2d(5)") && e.getMessage().contains("channels"), e.getMessage());
        }
    }
}
