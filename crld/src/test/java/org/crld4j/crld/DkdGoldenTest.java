package org.crld4j.crld;

import org.crld4j.autograd.Variable;
import org.crld4j.crld.loss.DkdLoss;
import org.crld4j.testing.golden.GoldenSet;
import org.crld4j.testing.Python;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DKD's TCKD, NCKD, loss and gradient against PyTorch in float64 ({@code scripts/dkd_golden.py},
 * mdistiller's formula), regenerated at test time; {@code CRLD4J_DKD_SEED} picks other inputs.
 * Cases: CIFAR defaults, beta 2, ImageNet's T 1 over 1,000 classes, and near one-hot teachers.
 */
class DkdGoldenTest {
    @TempDir static Path dir;
    static GoldenSet golden;
    static String seed;

    @BeforeAll static void generate() throws Exception {
        Python.requireTorch();
        seed = System.getenv().getOrDefault("CRLD4J_DKD_SEED", "0");
        Python.runFile(Python.repositoryRoot().resolve("scripts/dkd_golden.py"), dir, "--seed", seed);
        golden = GoldenSet.open(dir);
    }

    @TestFactory List<DynamicTest> dkdAgainstPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (var e : golden.cases().entrySet()) tests.add(DynamicTest.dynamicTest(e.getKey() + " (seed " + seed + ")", () -> check(e.getKey(), e.getValue())));
        assertEquals(4, tests.size(), "cases in " + dir);
        return tests;
    }

    private static void check(String c, Map<String, Object> spec) {
        float alpha = ((Number) spec.get("alpha")).floatValue(), beta = ((Number) spec.get("beta")).floatValue();
        float temperature = ((Number) spec.get("temperature")).floatValue();
        Variable s = Variable.leaf(golden.tensor(c + ".student_logits"));
        DkdLoss.Parts p = DkdLoss.perSample(s, golden.tensor(c + ".teacher_logits"), golden.tensor(c + ".target"), temperature);
        golden.assertClose(c + ".tckd", p.tckd().mean().data());
        golden.assertClose(c + ".nckd", p.nckd().mean().data());
        Variable loss = p.combined(alpha, beta).mean();
        golden.assertClose(c + ".loss", loss.data());
        loss.backward();
        golden.assertClose(c + ".grad_student", s.grad());
    }
}
