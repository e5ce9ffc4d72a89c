package org.crld4j.experiments;

import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end: a preset distillation on a tiny CIFAR-100 directory, and clear errors before training. */
class CliTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run crld(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        try {
            int code = cli.execute(args);
            return new Run(code, buf.toString(), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    /** A CIFAR-100 binary directory with n train and n test records. */
    private Path tinyCifar100(int n) throws Exception {
        Path d = Files.createDirectories(dir.resolve("cifar").resolve("cifar-100-binary"));
        Rng rng = new Rng(3);
        for (String f : new String[] {"train.bin", "test.bin"}) {
            ByteBuffer b = ByteBuffer.allocate(n * 3074);
            for (int i = 0; i < n; i++) {
                b.put((byte) (i % 20)).put((byte) (i % 100));
                for (int p = 0; p < 3072; p++) b.put((byte) rng.nextInt(256));
            }
            Files.write(d.resolve(f), b.array());
        }
        return dir.resolve("cifar");
    }

    private Path teacherPth(String model, int classes) throws Exception {
        Classifier t = ModelZoo.create(model, classes, new Rng(9));
        Path f = dir.resolve(model + "_" + classes + ".pth");
        Pth.writeStateDict(t.stateDict(), t.integerStateNames(), f);
        return f;
    }

    @Test void presetDistillationRunsOnATinyCifar100Directory() throws Exception {
        Path data = tinyCifar100(12);
        Path teacher = teacherPth("resnet32x4", 100);
        Run r = crld("distill", "--preset", "cifar100/res32x4_res8x4", "--teacher", teacher.toString(), "--data", "cifar100:" + data,
                "--out", dir.resolve("run").toString(), "--set", "SOLVER.EPOCHS=1", "--set", "SOLVER.BATCH_SIZE=4",
                "--set", "SOLVER.MAX_STEPS_PER_EPOCH=2", "--set", "DATASET.NUM_WORKERS=1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("crld: student resnet8x4") && r.out().contains("best_acc"), r.out());
        assertTrue(Files.exists(dir.resolve("run/latest.ckpt")));
        Run e = crld("eval", "-m", "resnet8x4", "-c", dir.resolve("run/best.ckpt").toString(), "-d", "cifar100:" + data);
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("top-1"), e.out());
    }

    @Test void badInputFailsBeforeTraining() throws Exception {
        Path data = tinyCifar100(4);
        Path teacher10 = teacherPth("resnet8", 10);
        Run unknownModel = crld("train", "--model", "resnet9", "--data", "cifar100:" + data, "--out", dir.resolve("x").toString());
        assertEquals(2, unknownModel.code());
        assertTrue(unknownModel.err().contains("unknown model 'resnet9'"), unknownModel.err());
        Run unknownPreset = crld("distill", "--preset", "cifar100/nope", "--teacher", teacher10.toString());
        assertTrue(unknownPreset.err().contains("unknown preset"), unknownPreset.err());
        Run unknownKey = crld("train", "--set", "SOLVER.LRR=1");
        assertTrue(unknownKey.err().contains("unknown configuration key 'SOLVER.LRR'"), unknownKey.err());
        Run threshold = crld("distill", "--teacher", teacher10.toString(), "--teacher-model", "resnet8", "--set", "CRLD.TAU_S=2");
        assertTrue(threshold.err().contains("CRLD.TAU_S must be in [0, 1]"), threshold.err());
        Run classes = crld("distill", "--teacher", teacher10.toString(), "--teacher-model", "resnet8", "--model", "resnet8",
                "--data", "cifar100:" + data, "--out", dir.resolve("y").toString());
        assertEquals(2, classes.code());
        assertTrue(classes.err().contains("100 classes"), classes.err());
        assertTrue(!Files.exists(dir.resolve("y/latest.ckpt")), "nothing was trained");
    }

    @Test void listingsAndInspect() throws Exception {
        Run models = crld("models");
        assertTrue(models.out().contains("resnet8x4") && models.out().contains("1,233,540"), models.out());
        Run presets = crld("presets");
        assertTrue(presets.out().contains("cifar100/wrn40_2_mv2") && presets.out().contains("imagenet/r34_r18"), presets.out());
        Path teacher = teacherPth("resnet8", 10);
        Run inspect = crld("inspect", "--teacher", teacher.toString(), "--teacher-model", "resnet8", "--student-model", "resnet8",
                "--batch", "4", "--set", "CRLD.TAU_W=0.05");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("conf_w") && inspect.out().contains("total"), inspect.out());
    }
}
