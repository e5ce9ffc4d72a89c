package org.crld4j.nn;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.golden.GoldenSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PyTorch's resnet8x4 (torch.save'd state dict, bare and wrapped as {"model": sd}) loads into our
 * resnet8x4 and reproduces PyTorch's eval logits, train-mode loss, gradients and BN statistics,
 * on every device present.
 */
class GoldenResnet8x4Test {
    static final GoldenSet GOLDEN = GoldenSet.openDefault();

    static Stream<Arguments> filesAndDevices() {
        return Devices.all().stream().flatMap(d -> Stream.of("resnet8x4.state_dict", "resnet8x4.checkpoint").map(f -> Arguments.of(f, d)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("filesAndDevices")
    void reproducesPyTorch(String file, Device device) throws Exception {
        try (var scope = Devices.using(device)) { check(file); }
    }

    private static void check(String file) throws Exception {
        Map<String, Tensor> sd = Pth.readStateDict(GOLDEN.file(file));
        assertEquals(62, sd.size());
        Classifier model = ModelZoo.create("resnet8x4", 100, new Rng(0));
        assertTrue(model.loadStateDict(sd, true).clean());

        Tensor x = GOLDEN.tensor("resnet8x4.input");
        model.eval();
        GOLDEN.assertClose("resnet8x4.logits_eval", model.forward(Variable.constant(x)).data());

        model.train();
        Variable logits = model.forward(Variable.constant(x));
        GOLDEN.assertClose("resnet8x4.logits_train", logits.data());
        Variable loss = F.crossEntropy(logits, GOLDEN.tensor("resnet8x4.target"));
        GOLDEN.assertClose("resnet8x4.loss_train", loss.data());
        loss.backward();
        var p = model.namedParameters();
        GOLDEN.assertClose("resnet8x4.grad_conv1_weight", p.get("conv1.weight").grad());
        GOLDEN.assertClose("resnet8x4.grad_fc_weight", p.get("fc.weight").grad());
        GOLDEN.assertClose("resnet8x4.grad_fc_bias", p.get("fc.bias").grad());
        GOLDEN.assertClose("resnet8x4.grad_bn1_weight", p.get("bn1.weight").grad());
        var b = model.namedBuffers();
        GOLDEN.assertClose("resnet8x4.bn1_running_mean_after_train_forward", b.get("bn1.running_mean"));
        GOLDEN.assertClose("resnet8x4.bn1_running_var_after_train_forward", b.get("bn1.running_var"));
    }
}
