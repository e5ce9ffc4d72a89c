package org.crld4j.nn;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused eval-mode conv-BN-(add)-ReLU path must equal the separate modules bit for bit. */
class ConvBnFusionTest {
    @Test void fusedEvalForwardEqualsSeparateOpsBitForBit() {
        // basic blocks with both shortcut kinds; bottlenecks (CIFAR ResNet50 is ResNetV2: unfused, a control)
        for (String name : new String[] {"resnet8x4", "resnet20", "wrn_16_2", "ResNet50"}) {
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
}
