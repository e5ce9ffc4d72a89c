package org.crld4j.nn;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.testing.golden.GoldenSet;
import org.crld4j.tensor.io.Json;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelZooTest {
    /** Counts from ../shared/reference/crld-method.md section 6 and torchvision's documentation. */
    static final Map<String, Long> REFERENCE = Map.ofEntries(
            Map.entry("resnet8", 83_892L), Map.entry("resnet20", 278_324L), Map.entry("resnet32", 472_756L),
            Map.entry("resnet56", 861_620L), Map.entry("resnet110", 1_736_564L), Map.entry("resnet8x4", 1_233_540L),
            Map.entry("resnet32x4", 7_433_860L), Map.entry("wrn_16_2", 703_284L), Map.entry("wrn_40_1", 569_780L),
            Map.entry("wrn_40_2", 2_255_156L), Map.entry("vgg8", 3_965_028L), Map.entry("vgg13", 9_462_180L),
            Map.entry("MobileNetV2", 812_836L), Map.entry("ShuffleV1", 949_258L), Map.entry("ShuffleV2", 1_355_528L),
            Map.entry("ResNet50", 23_705_252L), Map.entry("ResNet18", 11_220_132L));

    @Test void cifarParameterCountsMatchTheReference() {
        REFERENCE.forEach((name, count) -> assertEquals(count, ModelZoo.create(name, 100, new Rng(0)).numParameters(), name));
    }

    @Test void parameterCountsMatchBenchModelStats() throws Exception {
        Path stats = GoldenSet.defaultDir().resolve("../bench/model_stats.json").normalize();
        assertTrue(Files.isRegularFile(stats), "missing " + stats);
        @SuppressWarnings("unchecked") List<Map<String, Object>> rows = (List<Map<String, Object>>) Json.parse(Files.readString(stats));
        for (Map<String, Object> row : rows) {
            String name = (String) row.get("model");
            assertEquals(((Number) row.get("params")).longValue(), ModelZoo.create(name, 100, new Rng(0)).numParameters(), name);
        }
    }

    @Test void imagenetAndTinyImagenetCounts() {
        assertEquals(11_689_512L, ModelZoo.create("imagenet_resnet18", 1000, new Rng(0)).numParameters());
        assertEquals(21_797_672L, ModelZoo.create("imagenet_resnet34", 1000, new Rng(0)).numParameters());
        assertEquals(25_557_032L, ModelZoo.create("imagenet_resnet50", 1000, new Rng(0)).numParameters());
        assertEquals(4_231_976L, ModelZoo.create("imagenet_mobilenetv1", 1000, new Rng(0)).numParameters());
        assertEquals(1_259_240L, ModelZoo.create("resnet8x4", 200, new Rng(0)).numParameters());
        assertEquals(7_459_560L, ModelZoo.create("resnet32x4", 200, new Rng(0)).numParameters());
        assertEquals(11_271_432L, ModelZoo.create("ResNet18", 200, new Rng(0)).numParameters());
    }

    /**
     * Every zoo model runs forward and backward: finite logits, and every parameter receives a
     * finite gradient that is not all zeros (a layer cut off from the loss, or a NaN, fails).
     * The values against PyTorch: ZooGoldenTest.
     */
    @TestFactory List<DynamicTest> forwardBackwardSmoke() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : ModelZoo.names()) {
            if (name.startsWith("vit_")) continue; // fixed 224/384 inputs, 22M-304M parameters: VitGoldenTest checks the ViT
            tests.add(DynamicTest.dynamicTest(name, () -> {
                boolean imagenet = name.startsWith("imagenet_");
                int classes = imagenet ? 1000 : 10, side = imagenet ? 64 : 32, batch = 2;
                Classifier m = ModelZoo.create(name, classes, new Rng(1));
                Tensor x = Tensor.randn(new Rng(2), batch, 3, side, side);
                Classifier.Output out = m.forwardWithFeatures(Variable.constant(x));
                assertArrayEquals(new int[] {batch, classes}, out.logits().shape(), name + " logits");
                assertEquals(batch, out.features().shape()[0]);
                assertFinite(out.logits().data().toArray(), name + " logits");
                F.crossEntropy(out.logits(), Tensor.of(new float[] {0, 1}, 2)).backward();
                for (var p : m.namedParameters().entrySet()) {
                    assertNotNull(p.getValue().grad(), name + ": no grad for " + p.getKey());
                    float[] g = p.getValue().grad().toArray();
                    assertFinite(g, name + " grad of " + p.getKey());
                    boolean nonZero = false;
                    for (float v : g) nonZero |= v != 0;
                    assertTrue(nonZero, name + ": the gradient of " + p.getKey() + " is all zeros");
                }
                m.eval();
                Variable eval = m.forward(Variable.constant(x));
                assertArrayEquals(new int[] {batch, classes}, eval.shape());
                assertFinite(eval.data().toArray(), name + " eval logits");
            }));
        }
        return tests;
    }

    static void assertFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) assertTrue(Float.isFinite(v[i]), what + "[" + i + "] = " + v[i]);
    }

    @Test void tinyImagenetInputsWork() {
        Classifier m = ModelZoo.create("resnet8x4", 200, new Rng(3));
        assertArrayEquals(new int[] {2, 200}, m.forward(Variable.constant(Tensor.randn(new Rng(4), 2, 3, 64, 64))).shape());
        Classifier v = ModelZoo.create("vgg8", 200, new Rng(3));
        assertArrayEquals(new int[] {2, 200}, v.forward(Variable.constant(Tensor.randn(new Rng(4), 2, 3, 64, 64))).shape());
    }

    @Test void stateDictUsesPyTorchNames() {
        var keys = new ArrayList<>(ModelZoo.create("resnet8x4", 100, new Rng(0)).stateDict().keySet());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
                "layer1.0.conv1.weight"), keys.subList(0, 7));
        assertEquals("fc.bias", keys.get(keys.size() - 1));
        assertEquals(62, keys.size());
        assertTrue(ModelZoo.create("wrn_40_2", 100, new Rng(0)).stateDict().containsKey("block2.layer.0.convShortcut.weight"));
        assertTrue(ModelZoo.create("MobileNetV2", 100, new Rng(0)).stateDict().containsKey("blocks.1.0.conv.3.weight"));
    }

    @Test void unknownModelIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelZoo.create("resnet9", 10, new Rng(0)));
        assertTrue(e.getMessage().contains("unknown model 'resnet9'") && e.getMessage().contains("resnet8x4"), e.getMessage());
    }
}
