package org.crld4j.experiments;

import org.crld4j.nn.io.Checkpoint;
import org.crld4j.nn.io.Pth;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line end to end: a preset distillation on a tiny CIFAR-100 directory, and every
 * error a user can make failing with exit code 2, a message naming the option or file at fault,
 * and nothing written.
 */
class CliTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    /** Runs the command line in this JVM, capturing what it prints. */
    static Run crld(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            CommandLine cli = Main.commandLine(); // after setOut: picocli's default handler keeps the System.out of its creation for the usage help
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            cli.getOut().flush();
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
        assertTrue(Files.readString(dir.resolve("run/report.html")).contains("<h1>crld4j run report: run</h1>"), "the run's report, redrawn after each epoch");
        Run e = crld("eval", "-m", "resnet8x4", "-c", dir.resolve("run/best.ckpt").toString(), "-d", "cifar100:" + data);
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("top-1"), e.out());
    }

    /** A DKD preset distills with DKD (its own beta) and the base trainer, without --method. */
    @Test void dkdPresetDistillsWithDkd() throws Exception {
        Path data = tinyCifar100(12);
        Path teacher = teacherPth("resnet32x4", 100);
        Run r = crld("distill", "--preset", "cifar100/dkd/res32x4_res8x4", "--teacher", teacher.toString(), "--data", "cifar100:" + data,
                "--out", dir.resolve("dkd").toString(), "--set", "SOLVER.EPOCHS=1", "--set", "SOLVER.BATCH_SIZE=4",
                "--set", "SOLVER.MAX_STEPS_PER_EPOCH=1", "--set", "DATASET.NUM_WORKERS=1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("dkd: student resnet8x4"), r.out());
        assertTrue(Files.readString(dir.resolve("dkd/config.yaml")).contains("SOLVER.TRAINER: base"));
    }

    /**
     * `crld train` calls what it trains "model", counts the images DATASET.LABEL_FRACTION keeps, and
     * logs the mdistiller keys it ignored.
     */
    @Test void trainStartLineNamesTheModelAndTheSubsetSize() throws Exception {
        Path data = tinyCifar100(200); // two images per class, so that half of each class is one
        int kept = org.crld4j.nn.data.Subsets.classBalancedFraction(org.crld4j.nn.data.Cifar.load(data, true, true), 0.5, 0).size();
        Run r = crld("train", "--model", "resnet8", "--data", "cifar100:" + data, "--out", dir.resolve("half").toString(),
                "--set", "DATASET.LABEL_FRACTION=0.5", "--set", "SOLVER.EPOCHS=1", "--set", "SOLVER.BATCH_SIZE=4",
                "--set", "SOLVER.MAX_STEPS_PER_EPOCH=1", "--set", "DATASET.NUM_WORKERS=1", "--set", "LOG.WANDB=False");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(100, kept, "the fraction keeps one image of each class's two");
        assertTrue(r.out().contains("vanilla: model resnet8 (") && r.out().contains("(100 train / 200 test images"), r.out());
        assertTrue(r.out().contains("ignored mdistiller keys with no effect here: LOG.WANDB (--set"), r.out());
    }

    @Test void aPresetForAnotherDataSetIsRefused() throws Exception {
        Path teacher = teacherPth("resnet32x4", 100);
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        fails("preset cifar100/res32x4_res8x4 is for DATASET.TYPE cifar100 (--data cifar100:<dir>), but --data names tiny-imagenet:" + tiny,
                "distill", "--preset", "cifar100/res32x4_res8x4", "--teacher", teacher.toString(), "--data", "tiny-imagenet:" + tiny, "--out", out("x"));
        fails("SOLVER.TYPE 'Adam' is not supported", "train", "--model", "resnet8", "--set", "SOLVER.TYPE=Adam", "--out", out("x"));
        fails("SOLVER.TRAINER 'mlld' is not supported", "train", "--model", "resnet8", "--set", "SOLVER.TRAINER=mlld", "--out", out("x"));
    }

    /** A crld4j checkpoint laid out as the trainer writes one: "model." tensors, the model's name and class count. */
    private Path checkpoint(String model, int classes) throws Exception {
        Classifier m = ModelZoo.create(model, classes, new Rng(9));
        Map<String, Tensor> t = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> t.put("model." + k, v));
        Path f = dir.resolve(model + "_" + classes + ".ckpt");
        new Checkpoint(t, Map.of("epoch", 1, "student", model, "num_classes", classes)).save(f);
        return f;
    }

    /** Every file and folder under the test's directory, with size and modification time: what "nothing written" compares. */
    private Map<Path, String> snapshot() throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator)
                files.put(dir.relativize(p), Files.isDirectory(p) ? "dir" : Files.size(p) + " bytes, " + Files.getLastModifiedTime(p));
        }
        return files;
    }

    /** Runs a command that must fail before doing anything: exit code 2, the message on stderr, nothing under the test's directory written or changed. */
    private Run fails(String message, String... args) throws IOException {
        Map<Path, String> before = snapshot();
        Run r = crld(args);
        assertEquals(2, r.code(), "exit code of crld " + String.join(" ", args) + "\n" + r.out() + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
        assertEquals(before, snapshot(), "crld " + String.join(" ", args) + " wrote nothing");
        return r;
    }

    private String out(String name) { return dir.resolve(name).toString(); }

    @Test void badInputFailsBeforeTraining() throws Exception {
        Path data = tinyCifar100(4);
        Path teacher10 = teacherPth("resnet8", 10);
        fails("unknown model 'resnet9'", "train", "--model", "resnet9", "--data", "cifar100:" + data, "--out", out("x"));
        fails("unknown preset", "distill", "--preset", "cifar100/nope", "--teacher", teacher10.toString(), "--out", out("x"));
        fails("unknown configuration key 'SOLVER.LRR'", "train", "--set", "SOLVER.LRR=1", "--out", out("x"));
        fails("CRLD.TAU_S must be in [0, 1]", "distill", "--teacher", teacher10.toString(), "--teacher-model", "resnet8",
                "--set", "CRLD.TAU_S=2", "--out", out("x"));
        fails("unknown --method 'crd'", "distill", "--teacher", teacher10.toString(), "--method", "crd", "--out", out("x"));
        Run classes = fails("100 classes", "distill", "--teacher", teacher10.toString(), "--teacher-model", "resnet8", "--model", "resnet8",
                "--data", "cifar100:" + data, "--out", out("y"));
        assertTrue(classes.err().contains("fc.weight is [10, 64] in the checkpoint, [100, 64] in the model"), classes.err());
    }

    @Test void badDataNamesTheOption() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        fails("--data: unknown data kind 'cifar1000' in 'cifar1000:/data'", "train", "--data", "cifar1000:/data", "--out", out("x"));
        fails("--data: data 'cifar100' names no directory; expected cifar100:<dir>", "train", "--data", "cifar100", "--out", out("x"));
        fails("--data cifar100:" + missing + ": directory " + missing + " not found", "train", "--data", "cifar100:" + missing, "--out", out("x"));
        fails("--data idx:" + missing + ": directory " + missing + " not found", "eval", "-m", "resnet8", "-c", checkpoint("resnet8", 10).toString(),
                "-d", "idx:" + missing);
    }

    @Test void missingFilesAreNamed() throws Exception {
        Path teacher = dir.resolve("teachers/resnet32x4.pth"), ckpt = dir.resolve("run/best.ckpt");
        fails("teacher checkpoint not found: " + teacher, "distill", "--teacher", teacher.toString(), "--teacher-model", "resnet8", "--out", out("x"));
        fails("teacher checkpoint not found: " + teacher, "inspect", "--teacher", teacher.toString(), "--teacher-model", "resnet8");
        fails("checkpoint not found: " + ckpt, "eval", "-m", "resnet8", "-c", ckpt.toString());
        fails("--resume: no latest.ckpt in " + dir.resolve("fresh"), "train", "--model", "resnet8", "--resume", "--out", out("fresh"));
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/config.yaml"), "SOLVER:\n  EPOCHS: 2\n");
        fails("--resume: no latest.ckpt in " + dir.resolve("empty"), "distill", "--teacher", teacherPth("resnet8", 10).toString(),
                "--teacher-model", "resnet8", "--resume", "--out", out("empty"));
    }

    @Test void weightsOfAnotherArchitectureAreNamed() throws Exception {
        Path resnet20 = checkpoint("resnet20", 10), resnet8x4 = checkpoint("resnet8x4", 10);
        fails("checkpoint " + resnet20 + " does not fit model resnet8 (10 classes): unexpected key layer1.1.conv1.weight [16, 16, 3, 3]",
                "eval", "--model", "resnet8", "-c", resnet20.toString());
        Run shapes = fails("checkpoint " + resnet8x4 + " does not fit model resnet8 (10 classes): conv1.weight is [32, 3, 3, 3] in the checkpoint, "
                + "[16, 3, 3, 3] in the model", "eval", "--model", "resnet8", "-c", resnet8x4.toString());
        assertTrue(shapes.err().contains("the checkpoint was trained as resnet8x4"), shapes.err());
        Path teacher = teacherPth("resnet20", 10); // a .pth: no record of its architecture, the first key tells
        fails("teacher checkpoint " + teacher + " does not fit model resnet8 (10 classes): unexpected key layer1.1.conv1.weight",
                "distill", "--teacher", teacher.toString(), "--teacher-model", "resnet8", "--model", "resnet8", "--out", out("x"));
        fails("teacher checkpoint " + resnet8x4 + " does not fit model resnet32x4 (10 classes): missing key layer1.1.conv1.weight",
                "distill", "--teacher", resnet8x4.toString(), "--teacher-model", "resnet32x4", "--model", "resnet8", "--out", out("x"));
    }

    @Test void exportFailsWithoutWriting() throws Exception {
        Path resnet20 = checkpoint("resnet20", 10), pth = dir.resolve("student.pth");
        fails("checkpoint not found: " + dir.resolve("nope.ckpt"), "export", "-c", dir.resolve("nope.ckpt").toString(), "-o", pth.toString());
        fails("checkpoint " + resnet20 + " does not fit model resnet8 (10 classes): unexpected key layer1.1.conv1.weight",
                "export", "-c", resnet20.toString(), "--model", "resnet8", "-o", pth.toString());
        fails("fc.weight is [10, 64] in the checkpoint, [100, 64] in the model", "export", "-c", resnet20.toString(), "--num-classes", "100",
                "-o", pth.toString());
        fails("unknown model 'resnet9'", "export", "-c", resnet20.toString(), "--model", "resnet9", "-o", pth.toString());
        fails("--model is required", "export", "-c", teacherPth("resnet8", 10).toString(), "-o", pth.toString());
        fails("is the checkpoint itself", "export", "-c", resnet20.toString(), "-o", resnet20.toString());
    }

    @Test void fileExceptionsSayWhatHappenedToThePath() {
        assertEquals("file not found: /data/tiny/val_annotations.txt", Main.message(new java.nio.file.NoSuchFileException("/data/tiny/val_annotations.txt")));
        assertEquals("permission denied: /data", Main.message(new java.nio.file.AccessDeniedException("/data")));
    }

    @Test void devicesListsOpenClAndAnAbsentDeviceFailsNamingWhatIsPresent() {
        Run r = crld("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cpu") && r.out().contains("opencl:") && r.out().contains("default device: "), r.out());
        // listed devices carry their memory and compute units; no OpenCL at all is said as such
        assertTrue(r.out().contains("compute units") || r.out().contains("no OpenCL"), r.out());
        Run bad = crld("devices", "--device", "opencl:99");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("opencl:99") && (bad.err().contains("present: opencl:0 = ") || bad.err().contains("no OpenCL")
                || bad.err().contains("could not be loaded") || bad.err().contains("no platform")), bad.err());
        Run unknown = crld("devices", "--device", "tpu");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown device 'tpu'") && unknown.err().contains("opencl[:N]"), unknown.err());
    }

    @Test void listingsAndInspect() throws Exception {
        Run help = crld("--help");
        assertTrue(help.out().contains("  export      Write a checkpoint"), help.out());
        Run distillHelp = crld("distill", "--help");
        assertTrue(distillHelp.out().contains("Exit codes:") && distillHelp.out().contains("130") && distillHelp.out().contains("--resume"),
                distillHelp.out());
        Run models = crld("models");
        assertTrue(models.out().contains("resnet8x4") && models.out().contains("1,233,540"), models.out());
        assertTrue(models.out().contains("vit_large_patch16_384     304,715,752  384x384, 1000 classes")
                && models.out().contains("vit_base_patch16_224"), models.out());
        Run presets = crld("presets");
        assertTrue(presets.out().contains("cifar100/wrn40_2_mv2") && presets.out().contains("imagenet/r34_r18"), presets.out());
        assertTrue(presets.out().contains("cifar100/dkd/res56_res20") && presets.out().contains("imagenet/r50_mv1/dkd"), presets.out());
        assertTrue(presets.out().contains("tinyimagenet200/vit_resnet18") && presets.out().contains("vit_large_patch16_384"), presets.out());
        Path teacher = teacherPth("resnet8", 10);
        Run inspect = crld("inspect", "--teacher", teacher.toString(), "--teacher-model", "resnet8", "--student-model", "resnet8",
                "--batch", "4", "--set", "CRLD.TAU_W=0.05");
        assertEquals(0, inspect.code(), inspect.err());
        assertTrue(inspect.out().contains("conf_w") && inspect.out().contains("total"), inspect.out());
    }
}
