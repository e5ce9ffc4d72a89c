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
import java.nio.file.StandardCopyOption;
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
 * drop and {@code epoch_N.ckpt} every LOG.SAVE_CHECKPOINT_FREQ epochs, a JSONL and a CSV log line per epoch, and every
 * step's loss exactly in {@code steps.csv} (to check a rerun bit for bit). {@link #fit} with resume continues bit-identically
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

    /** Where a run starts: the first epoch to train, the steps of it already done and their statistics, the best top-1 so far. */
    private record Start(int firstEpoch, int stepsDone, EpochState partial, double best) {}

    /**
     * Trains SOLVER.EPOCHS epochs (or what is left of them when resuming from latest.ckpt): each
     * epoch is {@link #trainEpoch}, {@link #evaluate}, {@link #logEpoch}, {@link #checkpointEpoch} and
     * {@link #printEpoch}.
     */
    public Result fit(boolean resume) throws IOException {
        Path latest = runDir.resolve("latest.ckpt");
        if (resume && !Files.isRegularFile(latest)) // before anything is created in the run directory
            throw new IOException("nothing to resume: no latest.ckpt in " + runDir);
        Files.createDirectories(runDir);
        int epochs = cfg.integer("SOLVER.EPOCHS");
        Start start = resume ? resumeFrom(latest) : startFresh();
        double best = start.best(), last = 0, lastEvalSeconds = 0; // the evaluation's duration, for the run's ETA
        List<Map<String, Object>> log = new ArrayList<>();
        int batch = cfg.integer("SOLVER.BATCH_SIZE"), maxSteps = cfg.integer("SOLVER.MAX_STEPS_PER_EPOCH");
        long t0 = System.nanoTime();
        try (Loader loader = new Loader(train, data.weak(), distiller.twoViews() ? data.strong() : null, batch, true,
                cfg.longValue("EXPERIMENT.SEED"), cfg.integer("DATASET.NUM_WORKERS"))) {
            int stepsPerEpoch = maxSteps > 0 ? Math.min(maxSteps, loader.batchesPerEpoch()) : loader.batchesPerEpoch();
            for (int epoch = start.firstEpoch(); epoch <= epochs; epoch++) {
                boolean continuing = epoch == start.firstEpoch() && start.stepsDone() > 0; // the interrupted epoch
                EpochState state = continuing ? start.partial() : new EpochState();
                Progress progress = Progress.training(out, epoch, epochs, stepsPerEpoch, lastEvalSeconds);
                double trainSeconds = trainEpoch(loader, epoch, continuing ? start.stepsDone() : 0, stepsPerEpoch, state, progress, best, latest);
                long evalStart = System.nanoTime();
                Evaluator.Result r = evaluate(epoch, epochs, trainSeconds);
                lastEvalSeconds = (System.nanoTime() - evalStart) / 1e9;
                Map<String, Object> row = logEpoch(epoch, state, r, trainSeconds, lastEvalSeconds);
                log.add(row);
                last = r.top1();
                boolean isBest = r.top1() >= best;
                if (isBest) best = r.top1();
                checkpointEpoch(latest, epoch, best, isBest);
                printEpoch(epoch, epochs, row, r);
                afterEpoch.epochDone(epoch, runDir);
            }
        } finally {
            saved.countDown();
        }
        out.printf("best_acc %.2f%n", best);
        return new Result(epochs, best, last, (System.nanoTime() - t0) / 1e9, runDir, log);
    }

    /** Loads the student and the optimiser from latest.ckpt and says where training continues. */
    private Start resumeFrom(Path latest) throws IOException {
        Checkpoint c = Checkpoint.load(latest);
        distiller.student().loadStateDict(c.section("model."), true);
        sgd.loadState(c.section("optim."));
        int done = ((Number) c.meta().get("epoch")).intValue();
        int steps = ((Number) c.meta().get("step")).intValue();
        double best = ((Number) c.meta().get("best_acc")).doubleValue();
        trimStepLog(done + 1, steps);
        out.printf("resumed from %s: %d epochs done%s, best top-1 %.2f%n", latest, done,
                steps > 0 ? " and " + steps + " steps of epoch " + (done + 1) : "", best);
        return new Start(done + 1, steps, EpochState.fromMeta(c.meta()), best);
    }

    /** A new run: the old logs go, the configuration is written beside the checkpoints. */
    private Start startFresh() throws IOException {
        Files.deleteIfExists(runDir.resolve("log.jsonl"));
        Files.deleteIfExists(runDir.resolve("log.csv"));
        Files.writeString(runDir.resolve(STEP_LOG), STEP_LOG_HEADER);
        Files.writeString(runDir.resolve("config.yaml"), cfg.toString());
        return new Start(1, 0, new EpochState(), -1);
    }

    /**
     * One epoch's steps at its learning rate, after skipping the {@code stepsDone} batches a
     * resumed run already trained on (the loader gives the same order); returns the seconds taken.
     * After each step, a requested stop writes the checkpoint and throws {@link InterruptedTraining}.
     */
    private double trainEpoch(Loader loader, int epoch, int stepsDone, int stepsPerEpoch, EpochState state, Progress progress,
                              double best, Path latest) throws IOException {
        sgd.setLr((float) schedule.lr(epoch));
        Device device = distiller.student().device();
        long epochStart = System.nanoTime();
        Iterator<Loader.Batch> it = loader.epoch(epoch);
        int step = 0;
        for (; step < stepsDone && it.hasNext(); step++) it.next();
        for (; step < stepsPerEpoch && it.hasNext(); step++) {
            float total = trainStep(it.next(), device, epoch, step + 1, state, latest);
            Files.writeString(runDir.resolve(STEP_LOG), epoch + "," + (step + 1) + "," + total + "\n", StandardOpenOption.APPEND);
            progress.update(step + 1, total, state.seen());
            if (stopRequested) stopAndSave(latest, epoch, step + 1, best, state, progress);
        }
        progress.finish();
        return (System.nanoTime() - epochStart) / 1e9;
    }

    /** Forward, finiteness check, backward and SGD update of one batch, added to {@code state}; returns the step's total loss. */
    private float trainStep(Loader.Batch b, Device device, int epoch, int step, EpochState state, Path latest) {
        Tensor labels = b.labels().to(device); // the batch goes up once: both views and the labels
        Distiller.Step s = distiller.step(b.weak().to(device), b.strong() == null ? null : b.strong().to(device), labels, epoch);
        EpochState.StepScalars scalars = EpochState.scalars(s, labels); // one transfer back: the terms, the total, the top-1 hits
        checkFinite(scalars, epoch, step, latest);
        sgd.zeroGrad();
        s.total().backward();
        sgd.step();
        return state.add(s, scalars, b.size());
    }

    /** What Ctrl-C does after the step: checkpoint mid-epoch (with the epoch's statistics so far), say so, release the hook, stop. */
    private void stopAndSave(Path latest, int epoch, int stepsDone, double best, EpochState state, Progress progress) throws IOException {
        save(latest, epoch - 1, stepsDone, best, state.toMeta());
        progress.finish();
        String msg = "interrupted at epoch " + epoch + " step " + stepsDone + "; checkpoint " + latest + " (continue with --resume)";
        out.println(msg); // before releasing the shutdown hook, after which the JVM may halt at once
        out.flush();
        saved.countDown();
        throw new InterruptedTraining(msg);
    }

    /** Top-1, top-5 and loss on the test set, with its own progress line. */
    private Evaluator.Result evaluate(int epoch, int epochs, double trainSeconds) {
        int testBatch = cfg.integer("DATASET.TEST.BATCH_SIZE");
        Progress evalProgress = Progress.evaluation(out, epoch, epochs, (test.size() + testBatch - 1) / testBatch, trainSeconds);
        Evaluator.Result r = Evaluator.evaluate(distiller.student(), test, data.testPipeline(), testBatch,
                cfg.integer("DATASET.NUM_WORKERS"), evalProgress);
        evalProgress.finish();
        return r;
    }

    /** The epoch's log row, appended to log.jsonl and log.csv. */
    private Map<String, Object> logEpoch(int epoch, EpochState state, Evaluator.Result r, double trainSeconds,
                                         double evalSeconds) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", epoch);
        row.put("lr", schedule.lr(epoch));
        state.putMeans(row);
        row.put("test_acc", r.top1());
        row.put("test_acc_top5", r.top5());
        row.put("test_loss", r.loss());
        row.put("images_per_s", state.seen() / trainSeconds);
        row.put("seconds", trainSeconds);
        row.put("eval_seconds", evalSeconds);
        appendLogs(row);
        return row;
    }

    /** The epoch's summary line on {@code out}, once its checkpoints are written. */
    private void printEpoch(int epoch, int epochs, Map<String, Object> row, Evaluator.Result r) {
        out.printf("epoch %d/%d  lr %.5g  train_loss %.4f  train_acc %.2f  test_acc %.2f  top5 %.2f  test_loss %.4f  %.0f img/s%n",
                epoch, epochs, (float) schedule.lr(epoch), (Double) row.get("train_loss"), (Double) row.get("train_acc"), r.top1(), r.top5(),
                r.loss(), (Double) row.get("images_per_s"));
        out.flush();
    }

    /** latest.ckpt after every epoch; best.ckpt when top-1 did not drop; epoch_N.ckpt every LOG.SAVE_CHECKPOINT_FREQ epochs. */
    private void checkpointEpoch(Path latest, int epoch, double best, boolean isBest) throws IOException {
        save(latest, epoch, 0, best, Map.of());
        if (isBest) Files.copy(latest, runDir.resolve("best.ckpt"), StandardCopyOption.REPLACE_EXISTING);
        if (epoch % cfg.integer("LOG.SAVE_CHECKPOINT_FREQ") == 0) // mdistiller's epoch_N, kept beside latest and best
            Files.copy(latest, runDir.resolve("epoch_" + epoch + ".ckpt"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void checkFinite(EpochState.StepScalars scalars, int epoch, int step, Path latest) {
        for (var e : scalars.terms().entrySet()) {
            float v = e.getValue();
            if (!Float.isFinite(v))
                throw new DivergedException("loss term " + e.getKey() + " is " + v + " at epoch " + epoch + " step " + step
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
        meta.put(EpochState.META_KEY, partialEpoch);
        meta.put("best_acc", best);
        meta.put("distiller", distiller.name());
        meta.put("student", cfg.str("DISTILLER.STUDENT"));
        meta.put("num_classes", train.numClasses());
        meta.put("config", cfg.asMap());
        new Checkpoint(t, meta).save(file);
    }

    private static final String STEP_LOG = "steps.csv", STEP_LOG_HEADER = "epoch,step,loss\n";

    /**
     * A resumed run's step log keeps the steps before {@code epoch}'s step {@code stepsDone + 1}:
     * steps logged after the checkpoint (a run killed without Ctrl-C) are trained again.
     */
    private void trimStepLog(int epoch, int stepsDone) throws IOException {
        Path file = runDir.resolve(STEP_LOG);
        if (!Files.exists(file)) {
            Files.writeString(file, STEP_LOG_HEADER);
            return;
        }
        StringBuilder kept = new StringBuilder(STEP_LOG_HEADER);
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(",");
            if (f.length != 3 || !Character.isDigit(f[0].charAt(0))) continue;
            int e = Integer.parseInt(f[0]), s = Integer.parseInt(f[1]);
            if (e < epoch || (e == epoch && s <= stepsDone)) kept.append(line).append('\n');
        }
        Files.writeString(file, kept);
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
