package org.crld4j.crld;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.loss.DkdLoss;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Trainer;
import org.crld4j.crld.train.TrainerChecks;
import org.crld4j.nn.data.ArrayDataset;
import org.crld4j.nn.data.EmbeddedData;
import org.crld4j.nn.data.Idx;
import org.crld4j.nn.data.Subsets;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** End to end on the embedded data with small models: CRLD lowers the loss; interrupted + resumed = uninterrupted. */
class TrainerTest {
    @TempDir Path dir;
    static Dataset train, test;

    @BeforeAll static void data() throws Exception {
        ArrayDataset full = EmbeddedData.fashionMnist(true, Idx.Options.cifarLike());
        train = Subsets.of(full, java.util.stream.IntStream.range(0, 96).toArray(), "first 96");
        test = Subsets.of(EmbeddedData.fashionMnist(false, Idx.Options.cifarLike()), java.util.stream.IntStream.range(0, 64).toArray(), "first 64");
    }

    static Config config(String type, int epochs) {
        Config c = new Config();
        c.set("DISTILLER.TYPE", type);
        c.set("SOLVER.TRAINER", TrainerChecks.trainerFor(type));
        c.set("SOLVER.EPOCHS", (long) epochs);
        c.set("SOLVER.BATCH_SIZE", 16L);
        c.set("SOLVER.LR", 0.05);
        c.set("SOLVER.LR_DECAY_STAGES", List.of(2L));
        c.set("DATASET.NUM_WORKERS", 1L);
        c.set("DATASET.TEST.BATCH_SIZE", 32L);
        return c;
    }

    static Classifier teacher() { Classifier t = ModelZoo.create("resnet8", 10, new Rng(5)); t.eval(); return t; }

    @Test void crldStepsLowerTheLoss() {
        Classifier student = ModelZoo.create("resnet8", 10, new Rng(1));
        Distiller d = Distiller.create(config("CRLD", 1), student, teacher());
        org.crld4j.nn.optim.Sgd sgd = new org.crld4j.nn.optim.Sgd(student.namedParameters(), 0.05f, 0.9f, 5e-4f, false);
        DataSpec spec = DataSpec.parse("embedded");
        try (var loader = new org.crld4j.nn.data.Loader(train, spec.weak(), spec.strong(), 32, false, 3, 0)) {
            var batch = loader.epoch(1).next();
            float first = 0, last = 0;
            for (int i = 0; i < 8; i++) {
                Distiller.Step s = d.step(batch.weak(), batch.strong(), batch.labels(), 1);
                if (i == 0) first = s.total().item();
                last = s.total().item();
                assertEquals(3, s.terms().size());
                sgd.zeroGrad();
                s.total().backward();
                sgd.step();
            }
            assertTrue(last < first * 0.8f, "CRLD loss " + first + " -> " + last);
        }
    }

    private Map<String, Tensor> run(Path out, Config c, boolean interruptAfterFirstEpochStep) throws Exception {
        Classifier student = ModelZoo.create("resnet8", 10, new Rng(1));
        Trainer t = new Trainer(c, Distiller.create(c, student, teacher()), DataSpec.parse("embedded"), train, test, out,
                new PrintStream(new ByteArrayOutputStream()));
        if (interruptAfterFirstEpochStep) {
            c.set("SOLVER.MAX_STEPS_PER_EPOCH", 0L);
            t.requestStop(); // as Ctrl-C does: the first step completes, is checkpointed, and training stops
            assertThrows(Trainer.InterruptedTraining.class, () -> t.fit(false));
            Classifier resumedStudent = ModelZoo.create("resnet8", 10, new Rng(77));
            Trainer resumed = new Trainer(c, Distiller.create(c, resumedStudent, teacher()), DataSpec.parse("embedded"), train, test, out,
                    new PrintStream(new ByteArrayOutputStream()));
            resumed.fit(true);
            return resumedStudent.stateDict();
        }
        t.fit(false);
        return student.stateDict();
    }

    @Test void interruptedAndResumedEqualsUninterrupted() throws Exception {
        Map<String, Tensor> straight = run(dir.resolve("a"), config("CRLD", 2), false);
        Map<String, Tensor> resumed = run(dir.resolve("b"), config("CRLD", 2), true);
        for (var e : straight.entrySet()) assertArrayEquals(e.getValue().toArray(), resumed.get(e.getKey()).toArray(), e.getKey());
        List<String> log = Files.readAllLines(dir.resolve("a/log.jsonl"));
        List<String> resumedLog = Files.readAllLines(dir.resolve("b/log.jsonl"));
        assertEquals(log.get(0).replaceAll("\"(images_per_s|seconds|eval_seconds)\":[0-9.E-]+", ""),
                resumedLog.get(0).replaceAll("\"(images_per_s|seconds|eval_seconds)\":[0-9.E-]+", ""),
                "the interrupted epoch's statistics continue across the resume");
        assertEquals(Files.readAllLines(dir.resolve("a/steps.csv")), Files.readAllLines(dir.resolve("b/steps.csv")),
                "every step's loss, exactly, across the interruption");
        assertEquals(2, log.size());
        assertTrue(log.get(0).contains("\"loss_kd_wv\"") && log.get(0).contains("\"mask_w_rate\"") && log.get(0).contains("\"test_acc_top5\"")
                && log.get(0).contains("\"conf_w_hist\":["), log.get(0));
        assertTrue(Files.exists(dir.resolve("a/best.ckpt")) && Files.exists(dir.resolve("a/log.csv")));
    }

    /**
     * One step of each method through the Trainer: the logged terms are the first batch's, as the
     * distiller computes them on a fresh student (DistillerWiringTest holds the distillers to the
     * losses), including DKD's warm-up factor 1/20 in epoch 1; the step changes the weights.
     */
    @Test void everyMethodTrains() throws Exception {
        for (String type : new String[] {"NONE", "KD", "DKD", "CRLD", "CRLD_DKD"}) {
            Config c = config(type, 1);
            c.set("SOLVER.MAX_STEPS_PER_EPOCH", 1L);
            c.set("EXPERIMENT.LOGIT_STAND", type.equals("KD"));
            Classifier s = ModelZoo.create("resnet8", 10, new Rng(1));
            float[] before = s.namedParameters().get("conv1.weight").data().toArray();
            Distiller d = Distiller.create(c, s, type.equals("NONE") ? null : teacher());
            Trainer.Result r = new Trainer(c, d, DataSpec.parse("embedded"), train, test, dir.resolve(type),
                    new PrintStream(new ByteArrayOutputStream())).fit(false);
            assertEquals(1, r.log().size(), type);
            Map<String, Object> row = r.log().get(0);

            Distiller fresh = Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), type.equals("NONE") ? null : teacher());
            org.crld4j.nn.data.Loader.Batch b = firstBatch(c, fresh);
            Distiller.Step first = fresh.step(b.weak(), b.strong(), b.labels(), 1);
            for (var e : first.terms().entrySet())
                assertEquals(e.getValue().item(), ((Number) row.get(e.getKey())).doubleValue(), 1e-6, type + " " + e.getKey());
            assertEquals(first.total().item(), ((Number) row.get("train_loss")).doubleValue(), 1e-6, type + " train_loss");
            if (type.equals("DKD")) { // epoch 1 of a 20-epoch warm-up: 1/20 of the full DKD term
                Tensor t;
                try (var noGrad = org.crld4j.autograd.Autograd.noGrad()) {
                    t = fresh.teacher().forward(org.crld4j.autograd.Variable.constant(b.weak())).data();
                }
                float full = DkdLoss.perSample(first.logits(), t, b.labels(), 4f).combined(1f, 8f).mean().item();
                assertEquals(full / 20, ((Number) row.get("loss_kd")).doubleValue(), 1e-6, "DKD warm-up");
                assertEquals(((Number) row.get("loss_kd")).doubleValue(),
                        ((Number) row.get("dkd_tckd")).doubleValue() + ((Number) row.get("dkd_nckd")).doubleValue(), 1e-6, "DKD's logged parts");
            }
            for (String k : List.of("train_acc", "test_acc", "test_acc_top5"))
                assertTrue(((Number) row.get(k)).doubleValue() >= 0 && ((Number) row.get(k)).doubleValue() <= 100, type + " " + k);
            assertTrue(!java.util.Arrays.equals(before, s.namedParameters().get("conv1.weight").data().toArray()), type + ": SGD stepped");
        }
    }

    /** The Trainer's first batch: its loader, seed and views. */
    private static org.crld4j.nn.data.Loader.Batch firstBatch(Config c, Distiller d) {
        DataSpec spec = DataSpec.parse("embedded");
        try (var loader = new org.crld4j.nn.data.Loader(train, spec.weak(), d.twoViews() ? spec.strong() : null, 16, true,
                c.longValue("EXPERIMENT.SEED"), 1)) {
            return loader.epoch(1).next();
        }
    }

    @Test void resumeWithoutACheckpointFailsBeforeCreatingTheRunDirectory() {
        Config c = config("NONE", 1);
        Path out = dir.resolve("never");
        Trainer t = new Trainer(c, Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), null), DataSpec.parse("embedded"), train, test,
                out, new PrintStream(new ByteArrayOutputStream()));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> t.fit(true));
        assertEquals("nothing to resume: no latest.ckpt in " + out, e.getMessage());
        assertTrue(!Files.exists(out), "no run directory");
    }

    @Test void nanLossStopsNamingTheTerm() throws Exception {
        Config c = config("KD", 1);
        Classifier s = ModelZoo.create("resnet8", 10, new Rng(1)), broken = teacher();
        broken.namedParameters().get("fc.weight").data().fill(Float.NaN);
        Trainer t = new Trainer(c, Distiller.create(c, s, broken), DataSpec.parse("embedded"), train, test, dir.resolve("nan"),
                new PrintStream(new ByteArrayOutputStream()));
        Trainer.DivergedException e = assertThrows(Trainer.DivergedException.class, () -> t.fit(false));
        assertTrue(e.getMessage().contains("loss_kd") && e.getMessage().contains("epoch 1 step 1"), e.getMessage());
    }

    @Test void configErrorsAreClear() {
        Config c = new Config();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.set("SOLVER.LRR=0.1"));
        assertTrue(e.getMessage().contains("unknown configuration key 'SOLVER.LRR'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.set("SOLVER.EPOCHS=ten"));
        assertTrue(e.getMessage().contains("SOLVER.EPOCHS"), e.getMessage());
        c.set("CRLD.TAU_W=1.5");
        e = assertThrows(IllegalArgumentException.class, () -> Distiller.crldConfig(c));
        assertTrue(e.getMessage().contains("TAU_W"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> org.crld4j.crld.config.Presets.config("cifar100/nope"));
    }

    /** Steps logged after the checkpoint a run resumes from (a run killed without Ctrl-C) are dropped and trained again. */
    @Test void resumingDropsStepsLoggedAfterTheCheckpoint() throws Exception {
        Path out = dir.resolve("trim");
        Config c = config("NONE", 1);
        c.set("SOLVER.MAX_STEPS_PER_EPOCH", 2L);
        new Trainer(c, Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), null), DataSpec.parse("embedded"), train, test, out,
                new PrintStream(new ByteArrayOutputStream())).fit(false);
        List<String> first = Files.readAllLines(out.resolve("steps.csv"));
        assertEquals(3, first.size(), "header and two steps: " + first);
        Files.writeString(out.resolve("steps.csv"), "2,1,9.9\n", java.nio.file.StandardOpenOption.APPEND); // logged, never checkpointed
        c.set("SOLVER.EPOCHS", 2L);
        new Trainer(c, Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), null), DataSpec.parse("embedded"), train, test, out,
                new PrintStream(new ByteArrayOutputStream())).fit(true);
        List<String> after = Files.readAllLines(out.resolve("steps.csv"));
        assertEquals(first, after.subList(0, 3));
        assertEquals(5, after.size(), after.toString());
        assertTrue(after.get(3).startsWith("2,1,") && !after.get(3).equals("2,1,9.9") && after.get(4).startsWith("2,2,"), after.toString());
    }

    /** mdistiller's epoch_N every LOG.SAVE_CHECKPOINT_FREQ epochs, beside latest and best; each holds its epoch. */
    @Test void epochCheckpointsAtTheConfiguredFrequency() throws Exception {
        Config c = config("NONE", 4);
        c.set("SOLVER.MAX_STEPS_PER_EPOCH", 1L);
        c.set("LOG.SAVE_CHECKPOINT_FREQ", 2L);
        Path out = dir.resolve("freq");
        new Trainer(c, Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), null), DataSpec.parse("embedded"), train, test, out,
                new PrintStream(new ByteArrayOutputStream())).fit(false);
        try (var files = Files.list(out)) {
            assertEquals(List.of("best.ckpt", "config.yaml", "epoch_2.ckpt", "epoch_4.ckpt", "latest.ckpt", "log.csv", "log.jsonl", "steps.csv"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals(2, ((Number) org.crld4j.nn.io.Checkpoint.load(out.resolve("epoch_2.ckpt")).meta().get("epoch")).intValue());
        assertEquals(4, ((Number) org.crld4j.nn.io.Checkpoint.load(out.resolve("epoch_4.ckpt")).meta().get("epoch")).intValue());
    }

    @Test void trainSizeIsTheLabelFractionSubset() {
        Config c = config("NONE", 1);
        c.set("DATASET.LABEL_FRACTION", 0.5);
        Trainer t = new Trainer(c, Distiller.create(c, ModelZoo.create("resnet8", 10, new Rng(1)), null), DataSpec.parse("embedded"), train, test,
                dir.resolve("half"), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(Subsets.classBalancedFraction(train, 0.5, 0).size(), t.trainSize());
        assertTrue(t.trainSize() < train.size(), t.trainSize() + " of " + train.size());
    }

    /** The keys that choose machinery act or are refused, naming the key and what crld4j has. */
    @Test void unsupportedSolverTrainerAndDatasetAreRefused() {
        DataSpec embedded = DataSpec.parse("embedded");
        record Case(String type, String key, String value, String message) {}
        for (Case k : List.of(
                new Case("NONE", "SOLVER.TYPE", "Adam", "SOLVER.TYPE 'Adam' is not supported"),
                new Case("KD", "SOLVER.TRAINER", "crd", "SOLVER.TRAINER 'crd' is not supported"),
                new Case("CRLD", "SOLVER.TRAINER", "base", "SOLVER.TRAINER 'base' cannot run DISTILLER.TYPE CRLD"),
                new Case("DKD", "SOLVER.TRAINER", "crld", "SOLVER.TRAINER 'crld' cannot run DISTILLER.TYPE DKD"),
                new Case("NONE", "LOG.SAVE_CHECKPOINT_FREQ", "0", "LOG.SAVE_CHECKPOINT_FREQ must be at least 1"),
                new Case("NONE", "DATASET.TYPE", "tiny_imagenet", "mdistiller's DOT loader"),
                new Case("NONE", "DATASET.TYPE", "cifar100", "the configuration is for DATASET.TYPE cifar100 (--data cifar100:<dir>), but --data names embedded"))) {
            Config c = config(k.type(), 1);
            c.set(k.key(), k.value());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerChecks.check(c, embedded, "the configuration"), k.toString());
            assertTrue(e.getMessage().contains(k.message()), e.getMessage());
        }
        Config tiny = org.crld4j.crld.config.Presets.config("tinyimagenet200/res32x4_res8x4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerChecks.check(tiny, DataSpec.parse("cifar100:/data/cifar"), "preset tinyimagenet200/res32x4_res8x4"));
        assertEquals("preset tinyimagenet200/res32x4_res8x4 is for DATASET.TYPE tiny-imagenet (--data tiny-imagenet:<dir>), but --data names "
                + "cifar100:/data/cifar; pass the matching --data or --set DATASET.TYPE=cifar100", e.getMessage());
        TrainerChecks.check(tiny, DataSpec.parse("tiny-imagenet:/data/tiny"), "preset"); // the matching data set passes
        Config vit = org.crld4j.crld.config.Presets.config("tinyimagenet200/vit_resnet18");
        TrainerChecks.check(vit, DataSpec.parse("tiny-imagenet:/data/tiny"), "preset tinyimagenet200/vit_resnet18");
        DataSpec at384 = DataSpec.parse("tiny-imagenet:/data/tiny").forDatasetType(vit.str("DATASET.TYPE"));
        assertTrue(at384.resized384(), "tinyimagenet200_384 selects the 384-pixel views");
        org.crld4j.nn.data.Image im = org.crld4j.nn.data.Image.blank(64, 64, 3);
        for (var p : List.of(at384.weak(), at384.strong(), at384.testPipeline()))
            assertEquals(384, p.transform().apply(im, new Rng(1)).height(), "Resize(384, BICUBIC) first");
        assertEquals(64, DataSpec.parse("tiny-imagenet:/data/tiny").forDatasetType("tinyimagenet200").weak().transform().apply(im, new Rng(1)).height());
        Config dkd = config("DKD", 1);
        dkd.set("SOLVER.TRAINER", "crld");
        assertEquals("crld", TrainerChecks.useTrainerOf(dkd), "the CLI's method choice sets the trainer it needs");
        assertEquals("base", dkd.str("SOLVER.TRAINER"));
        TrainerChecks.check(dkd, embedded, "the configuration");
    }
}
