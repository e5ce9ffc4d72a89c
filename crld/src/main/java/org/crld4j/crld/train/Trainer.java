package org.crld4j.crld.train;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.Loader;
import org.crld4j.nn.data.Subsets;
import org.crld4j.nn.io.Checkpoint;
import org.crld4j.tensor.io.JsonWriter;
import org.crld4j.nn.optim.LrSchedule;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * mdistiller's training protocol: SGD (momentum, weight decay on every student parameter), the
 * multistep learning rate set at the start of each epoch, evaluation after every epoch (top-1,
 * top-5, loss), {@code latest.ckpt} after every epoch, {@code best.ckpt} when top-1 does not
 * drop and {@code epoch_N.ckpt} every LOG.SAVE_CHECKPOINT_FREQ epochs, a JSONL and a CSV log line per epoch. {@link #fit} with resume continues bit-identically
 * (same seed and thread count), also from a checkpoint written mid-epoch by Ctrl-C. A NaN or
 * infinite loss stops training naming the step and the term; the last good checkpoint stays.
 */
public final class Trainer {
    /** The outcome of a run. */
    public record Result(int epochs, double bestTop1, double lastTop1, double seconds, Path runDir, List<Map<String, Object>> log) {}

    /** Thrown when a loss term becomes NaN or infinite. */
    public static final class DivergedException extends RuntimeException {
        public DivergedException(String message) { super(message); }
    }

    /** Thrown after Ctrl-C, once the checkpoint is written. */
    public static final class InterruptedTraining extends RuntimeException {
        public InterruptedTraining(String message) { super(message); }
    }

    private final Config cfg;
    private final Distiller distiller;
    private final Dataset train, test;
    private final DataSpec data;
    private final Path runDir;
    private final PrintStream out;
    private final Sgd sgd;
    private final LrSchedule schedule;
    private volatile boolean stopRequested;
    private final CountDownLatch saved = new CountDownLatch(1);
    private EpochListener afterEpoch = (epoch, dir) -> {};

    /** Told when an epoch's log line and checkpoints are on disk (e.g. to redraw the run's report). */
    @FunctionalInterface
    public interface EpochListener { void epochDone(int epoch, Path runDir) throws IOException; }

    public Trainer(Config cfg, Distiller distiller, DataSpec data, Dataset train, Dataset test, Path runDir, PrintStream out) {
        TrainerChecks.check(cfg, data, "the configuration");
        this.cfg = cfg;
        this.distiller = distiller;
        this.data = data.forDatasetType(cfg.str("DATASET.TYPE")); // tinyimagenet200_384: the 384-pixel views
        double fraction = cfg.num("DATASET.LABEL_FRACTION");
        this.train = fraction < 1.0 ? Subsets.classBalancedFraction(train, fraction, cfg.longValue("EXPERIMENT.SEED")) : train;
        this.test = test;
        this.runDir = runDir;
        this.out = out;
        this.sgd = new Sgd(distiller.student().namedParameters(), (float) cfg.num("SOLVER.LR"), (float) cfg.num("SOLVER.MOMENTUM"),
                (float) cfg.num("SOLVER.WEIGHT_DECAY"), false);
        this.schedule = LrSchedule.multiStep(cfg.num("SOLVER.LR"), cfg.ints("SOLVER.LR_DECAY_STAGES"), cfg.num("SOLVER.LR_DECAY_RATE"));
        if (train.numClasses() != test.numClasses())
            throw new IllegalArgumentException("train (" + train.numClasses() + " classes) and test (" + test.numClasses() + ") data disagree");
    }

    public Path runDir() { return runDir; }

    /** Calls {@code listener} after each epoch, once its log line and checkpoints are written. */
    public Trainer afterEachEpoch(EpochListener listener) {
        this.afterEpoch = listener;
        return this;
    }

    /** The training images used: the whole set, or its DATASET.LABEL_FRACTION subset. */
    public int trainSize() { return train.size(); }

    /** Asks the loop to checkpoint and stop after the current step (what Ctrl-C does). */
    public void requestStop() { stopRequested = true; }

    /**
     * Installs a shutdown hook: on Ctrl-C (or SIGTERM) the current step finishes, a checkpoint is
     * written, then the JVM exits (with 128 + the signal's number). The hook says so on stderr at
     * once, after the stop is requested: a step or an evaluation can take a while, and the user (or
     * a test) can tell that the signal arrived.
     */
    public Thread installInterruptHandler() {
        Thread hook = new Thread(() -> {
            requestStop();
            System.err.println("interrupt received: finishing the current step, then writing " + runDir.resolve("latest.ckpt"));
            System.err.flush();
            try { saved.await(120, TimeUnit.SECONDS); } catch (InterruptedException ignored) { Thread.currentThread().interrupt(); }
        }, "crld4j-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    public Result fit(boolean resume) throws IOException {
        Path latest = runDir.resolve("latest.ckpt");
        if (resume && !Files.isRegularFile(latest)) // before anything is created in the run directory
            throw new IOException("nothing to resume: no latest.ckpt in " + runDir);
        Files.createDirectories(runDir);
        int epochs = cfg.integer("SOLVER.EPOCHS");
        int firstEpoch = 1, skipSteps = 0;
        Map<String, Object> partial = Map.of(); // running sums of an epoch interrupted mid-way
        double best = -1;
        List<Map<String, Object>> log = new ArrayList<>();
        if (resume) {
            Checkpoint c = Checkpoint.load(latest);
            distiller.student().loadStateDict(c.section("model."), true);
            sgd.loadState(c.section("optim."));
            int done = ((Number) c.meta().get("epoch")).intValue();
            skipSteps = ((Number) c.meta().get("step")).intValue();
            if (c.meta().get("partial") instanceof Map<?, ?> p) {
                @SuppressWarnings("unchecked") Map<String, Object> pm = (Map<String, Object>) p;
                partial = pm;
            }
            firstEpoch = done + 1;
            best = ((Number) c.meta().get("best_acc")).doubleValue();
            out.printf("resumed from %s: %d epochs done%s, best top-1 %.2f%n", latest, done,
                    skipSteps > 0 ? " and " + skipSteps + " steps of epoch " + (done + 1) : "", best);
        } else {
            Files.deleteIfExists(runDir.resolve("log.jsonl"));
            Files.deleteIfExists(runDir.resolve("log.csv"));
            Files.writeString(runDir.resolve("config.yaml"), cfg.toString());
        }
        long seed = cfg.longValue("EXPERIMENT.SEED");
        int batch = cfg.integer("SOLVER.BATCH_SIZE"), maxSteps = cfg.integer("SOLVER.MAX_STEPS_PER_EPOCH");
        int workers = cfg.integer("DATASET.NUM_WORKERS");
        long t0 = System.nanoTime();
        double last = 0, lastEvalSeconds = 0; // the evaluation's duration, for the run's ETA
        Device device = distiller.student().device();
        try (Loader loader = new Loader(train, data.weak(), distiller.twoViews() ? data.strong() : null, batch, true, seed, workers)) {
            int stepsPerEpoch = maxSteps > 0 ? Math.min(maxSteps, loader.batchesPerEpoch()) : loader.batchesPerEpoch();
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                float lr = (float) schedule.lr(epoch);
                sgd.setLr(lr);
                Progress progress = Progress.training(out, epoch, epochs, stepsPerEpoch, lastEvalSeconds);
                Map<String, Double> sums = new LinkedHashMap<>();
                Map<String, long[]> histograms = new LinkedHashMap<>();
                long hits = 0, seen = 0;
                if (skipSteps > 0 && !partial.isEmpty()) { // continue the interrupted epoch's statistics
                    hits = ((Number) partial.get("hits")).longValue();
                    seen = ((Number) partial.get("seen")).longValue();
                    ((Map<?, ?>) partial.get("sums")).forEach((k, v) -> sums.put((String) k, ((Number) v).doubleValue()));
                    ((Map<?, ?>) partial.get("histograms")).forEach((k, v) ->
                            histograms.put((String) k, ((List<?>) v).stream().mapToLong(o -> ((Number) o).longValue()).toArray()));
                }
                long epochStart = System.nanoTime();
                Iterator<Loader.Batch> it = loader.epoch(epoch);
                int step = 0;
                for (; step < skipSteps && it.hasNext(); step++) it.next(); // resuming mid-epoch: same order, skip what was done
                skipSteps = 0;
                for (; step < stepsPerEpoch && it.hasNext(); step++) {
                    Loader.Batch b = it.next();
                    Tensor labels = b.labels().to(device); // the batch goes up once: both views and the labels
                    Distiller.Step s = distiller.step(b.weak().to(device), b.strong() == null ? null : b.strong().to(device), labels, epoch);
                    float[] scalars = loggedScalars(s, labels); // one transfer back: the terms, the total, the top-1 hits
                    checkFinite(s, scalars, epoch, step + 1, latest);
                    sgd.zeroGrad();
                    s.total().backward();
                    sgd.step();
                    int t = 0;
                    for (String term : s.terms().keySet()) sums.merge(term, (double) scalars[t++] * b.size(), Double::sum);
                    float total = scalars[t++];
                    sums.merge("train_loss", (double) total * b.size(), Double::sum);
                    for (var e : s.metrics().entrySet()) {
                        if (e.getValue() instanceof Double d) sums.merge(e.getKey(), d * b.size(), Double::sum);
                        else if (e.getValue() instanceof long[] h) {
                            long[] acc = histograms.computeIfAbsent(e.getKey(), k -> new long[h.length]);
                            for (int i = 0; i < h.length; i++) acc[i] += h[i];
                        }
                    }
                    hits += (long) scalars[t];
                    seen += b.size();
                    progress.update(step + 1, total, seen);
                    if (stopRequested) {
                        Map<String, Object> running = new LinkedHashMap<>();
                        running.put("hits", hits);
                        running.put("seen", seen);
                        running.put("sums", new LinkedHashMap<>(sums));
                        Map<String, Object> hs = new LinkedHashMap<>();
                        histograms.forEach((k, h) -> hs.put(k, java.util.Arrays.stream(h).boxed().toList()));
                        running.put("histograms", hs);
                        save(latest, epoch - 1, step + 1, best, running);
                        progress.finish();
                        String msg = "interrupted at epoch " + epoch + " step " + (step + 1) + "; checkpoint " + latest + " (continue with --resume)";
                        out.println(msg); // before releasing the shutdown hook, after which the JVM may halt at once
                        out.flush();
                        saved.countDown();
                        throw new InterruptedTraining(msg);
                    }
                }
                progress.finish();
                double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
                long evalStart = System.nanoTime();
                int testBatch = cfg.integer("DATASET.TEST.BATCH_SIZE");
                Progress evalProgress = Progress.evaluation(out, epoch, epochs, (test.size() + testBatch - 1) / testBatch, trainSeconds);
                Evaluator.Result r = Evaluator.evaluate(distiller.student(), test, data.testPipeline(), testBatch, workers, evalProgress);
                evalProgress.finish();
                lastEvalSeconds = (System.nanoTime() - evalStart) / 1e9;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", epoch);
                row.put("lr", schedule.lr(epoch));
                for (var e : sums.entrySet()) row.put(e.getKey(), e.getValue() / Math.max(1, seen));
                row.put("train_acc", 100.0 * hits / Math.max(1, seen));
                histograms.forEach((k, h) -> row.put(k, java.util.Arrays.stream(h).boxed().toList()));
                row.put("test_acc", r.top1());
                row.put("test_acc_top5", r.top5());
                row.put("test_loss", r.loss());
                row.put("images_per_s", seen / trainSeconds);
                row.put("seconds", trainSeconds);
                row.put("eval_seconds", lastEvalSeconds);
                log.add(row);
                appendLogs(row);
                last = r.top1();
                boolean isBest = r.top1() >= best;
                if (isBest) best = r.top1();
                save(latest, epoch, 0, best, Map.of());
                if (isBest) Files.copy(latest, runDir.resolve("best.ckpt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (epoch % cfg.integer("LOG.SAVE_CHECKPOINT_FREQ") == 0) // mdistiller's epoch_N, kept beside latest and best
                    Files.copy(latest, runDir.resolve("epoch_" + epoch + ".ckpt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                out.printf("epoch %d/%d  lr %.5g  train_loss %.4f  train_acc %.2f  test_acc %.2f  top5 %.2f  test_loss %.4f  %.0f img/s%n",
                        epoch, epochs, lr, (Double) row.get("train_loss"), (Double) row.get("train_acc"), r.top1(), r.top5(), r.loss(),
                        (Double) row.get("images_per_s"));
                out.flush();
                afterEpoch.epochDone(epoch, runDir);
            }
        } finally {
            saved.countDown();
        }
        out.printf("best_acc %.2f%n", best);
        return new Result(epochs, best, last, (System.nanoTime() - t0) / 1e9, runDir, log);
    }

    /**
     * The step's loss terms, its total and its top-1 hits, in one host copy (a device would
     * otherwise synchronise once per value). Hits: the first maximum is the label, which is
     * Evaluator.topK's rule for finite logits (a NaN loss stops training before hits matter).
     */
    private static float[] loggedScalars(Distiller.Step s, Tensor labels) {
        List<Tensor> values = new ArrayList<>();
        for (var v : s.terms().values()) values.add(v.data().reshape(1));
        values.add(s.total().data().reshape(1));
        values.add(s.logits().data().argmax(1, false).eq(labels).sum().reshape(1));
        return Tensor.cat(values, 0).toArray();
    }

    private void checkFinite(Distiller.Step s, float[] scalars, int epoch, int step, Path latest) {
        int t = 0;
        for (String term : s.terms().keySet()) {
            float v = scalars[t++];
            if (!Float.isFinite(v))
                throw new DivergedException("loss term " + term + " is " + v + " at epoch " + epoch + " step " + step
                        + "; training stopped" + (Files.exists(latest) ? ", last good checkpoint " + latest : ""));
        }
    }

    private void save(Path file, int epochsDone, int stepsDone, double best, Map<String, Object> partialEpoch) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        distiller.student().stateDict().forEach((k, v) -> t.put("model." + k, v));
        sgd.state().forEach((k, v) -> t.put("optim." + k, v));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epoch", epochsDone);
        meta.put("step", stepsDone);
        meta.put("partial", partialEpoch);
        meta.put("best_acc", best);
        meta.put("distiller", distiller.name());
        meta.put("student", cfg.str("DISTILLER.STUDENT"));
        meta.put("num_classes", train.numClasses());
        meta.put("config", cfg.asMap());
        new Checkpoint(t, meta).save(file);
    }

    private void appendLogs(Map<String, Object> row) throws IOException {
        Path jsonl = runDir.resolve("log.jsonl"), csv = runDir.resolve("log.csv");
        Files.writeString(jsonl, JsonWriter.write(row) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        StringBuilder sb = new StringBuilder();
        if (!Files.exists(csv)) sb.append(String.join(",", row.keySet())).append('\n');
        sb.append(String.join(",", row.values().stream()
                .map(v -> v instanceof List<?> l ? String.join("|", l.stream().map(String::valueOf).toList()) : String.valueOf(v)).toList())).append('\n');
        Files.writeString(csv, sb.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Loads a student's weights from a crld4j checkpoint or a PyTorch .pth (mdistiller's {"model": ...}). */
    public static Map<String, Tensor> readWeights(Path file) throws IOException {
        String n = file.getFileName().toString();
        if (n.endsWith(".pth") || n.endsWith(".pt") || n.endsWith(".tar"))
            return org.crld4j.nn.io.Pth.stripPrefix(org.crld4j.nn.io.Pth.readStateDict(file), "module.");
        Checkpoint c = Checkpoint.load(file);
        Map<String, Tensor> model = c.section("model.");
        return model.isEmpty() ? c.tensors() : model;
    }
}
