package org.crld4j.experiments;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Trainer;
import org.crld4j.experiments.report.RunReport;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `crld train` (one model, e.g. a teacher) and `crld distill` share this runner. Ctrl-C (SIGINT)
 * or SIGTERM lets the current step finish, writes {@code latest.ckpt} with the epoch's running
 * statistics, and exits with 128 + the signal's number, as a shell reports a process a signal
 * ended (130 for Ctrl-C): scripts can tell "stopped, resumable" from "failed". After each epoch
 * the run directory's {@code report.html} is redrawn from the log, so a long run can be watched.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train one model with cross-entropy (e.g. a teacher).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {TrainCommand.EXIT_DONE, TrainCommand.EXIT_BAD_INPUT, TrainCommand.EXIT_DIVERGED,
                TrainCommand.EXIT_INTERRUPTED})
class TrainCommand implements Callable<Integer>, HeapPlan.Planned {
    /** The exit codes both training commands document in their help (picocli's "code:description"). */
    static final String EXIT_DONE = "0:done",
            EXIT_BAD_INPUT = "2:bad input (option, configuration, data, weights); nothing was written",
            EXIT_DIVERGED = "3:the loss diverged (NaN or infinite); the last good checkpoint stays",
            EXIT_INTERRUPTED = "130:Ctrl-C (143: SIGTERM); latest.ckpt holds the step reached: continue with --resume";

    /** The exit code of a run stopped by Ctrl-C (128 + SIGINT), also when the stop was requested in-process. */
    static final int INTERRUPTED = 130;

    @Mixin Setup setup;

    @Option(names = "--model", description = "Zoo model (see `crld models`); default DISTILLER.STUDENT.")
    String model;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint, bit-identically.")
    boolean resume;

    Config configure(Config c) throws IOException {
        if (model != null) c.set("DISTILLER.STUDENT", model);
        c.set("DISTILLER.TYPE", "NONE");
        return c;
    }

    Classifier teacher(Config c, int classes) throws Exception { return null; }

    /** What the start line calls the trained network: `crld train` trains a model, `crld distill` a student. */
    String role() { return "model"; }

    /** The data read, the student built, the teacher loaded, the distiller: what a run holds. */
    private record Built(Dataset train, Dataset test, Classifier student, Classifier teacher, Distiller distiller) {}

    private Built build(Config c, DataSpec spec) throws Exception {
        Dataset train = spec.train(), test = spec.test();
        Classifier student = Setup.model(c.str("DISTILLER.STUDENT"), train.numClasses(), c.longValue("EXPERIMENT.SEED"));
        Classifier teacher = teacher(c, train.numClasses());
        return new Built(train, test, student, teacher, Distiller.create(c, student, teacher));
    }

    @Override public HeapPlan.Work work() throws Exception {
        if (!setup.device.isHost()) return null; // activations live on the device
        Config c = configure(setup.config());
        DataSpec spec = setup.dataSpec();
        setup.check(c, spec);
        Built b = build(c, spec);
        return new HeapPlan.Work(List.of(b), List.of(new HeapPlan.Trained(b.student(), c.integer("SOLVER.BATCH_SIZE"),
                b.distiller().twoViews() ? 2 : 1, spec.forDatasetType(c.str("DATASET.TYPE")).sampleShape())));
    }

    @Override public Integer call() throws Exception {
        Config c = configure(setup.config());
        DataSpec spec = setup.dataSpec();
        setup.check(c, spec);
        Path dir = setup.runDir(c);
        if (resume && !Files.isRegularFile(dir.resolve("latest.ckpt")))
            throw new IOException("--resume: no latest.ckpt in " + dir + " (nothing to resume; run without --resume to start)");
        org.crld4j.nn.models.ModelZoo.require(c.str("DISTILLER.STUDENT")); // before reading data
        Built b = build(c, spec);
        Dataset train = b.train(), test = b.test();
        Classifier student = b.student(), teacher = b.teacher();
        Distiller d = b.distiller();
        int epochs = c.integer("SOLVER.EPOCHS");
        Path report = dir.resolve("report.html");
        Trainer t = new Trainer(c, d, spec, train, test, dir, System.out)
                .afterEachEpoch((epoch, runDir) -> RunReport.refresh(List.of(runDir), report, epoch < epochs, System.err));
        System.out.printf("%s: %s %s (%,d parameters)%s on %s (%d train / %d test images, %d classes) -> %s%n", d.name(), role(),
                c.str("DISTILLER.STUDENT"), student.numParameters(), teacher == null ? "" : ", teacher " + c.str("DISTILLER.TEACHER"),
                spec, t.trainSize(), test.size(), train.numClasses(), dir); // trainSize: after DATASET.LABEL_FRACTION
        Thread hook = t.installInterruptHandler();
        try {
            Trainer.Result r = t.fit(resume);
            System.out.printf("done in %.1f s; best top-1 %.2f%%, last %.2f%%; logs, checkpoints and report.html in %s%n", r.seconds(), r.bestTop1(),
                    r.lastTop1(), dir);
            return 0;
        } catch (Trainer.DivergedException e) {
            System.err.println(e.getMessage());
            return 3;
        } catch (Trainer.InterruptedTraining e) { // after a real signal the JVM exits with 128 + its number once the hook returns
            System.err.println(e.getMessage());
            return INTERRUPTED;
        } finally {
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { /* shutting down */ }
        }
    }
}
