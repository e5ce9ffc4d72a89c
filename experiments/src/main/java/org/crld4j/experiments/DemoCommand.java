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

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `crld demo`, the main job on the embedded data: trains a teacher, then the same student from
 * the same initialisation with vanilla training, KD and CRLD, and prints a comparison; writes
 * {@code report.html} beside the runs (redrawn after every epoch) with their curves on the same axes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train a teacher on the embedded Fashion-MNIST subset, then students with vanilla, KD and CRLD; print a comparison.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--teacher-model", defaultValue = "resnet20", description = "Teacher (default ${DEFAULT-VALUE}).") String teacherModel;
    @Option(names = "--student-model", defaultValue = "resnet8", description = "Student (default ${DEFAULT-VALUE}).") String studentModel;
    @Option(names = "--teacher-epochs", defaultValue = "4", description = "Teacher epochs (default ${DEFAULT-VALUE}).") int teacherEpochs;
    @Option(names = "--student-epochs", defaultValue = "3", description = "Epochs per student (default ${DEFAULT-VALUE}).") int studentEpochs;
    @Option(names = "--train-images", defaultValue = "5000", description = "Training images used from the 10,000 (default ${DEFAULT-VALUE}).") int trainImages;
    @Option(names = "--test-images", defaultValue = "2000", description = "Test images used (default ${DEFAULT-VALUE}: all of the embedded).") int testImages;
    @Option(names = "--data", defaultValue = "embedded", description = "Data spec (default: the embedded subset).") String data;
    @Option(names = "--out", defaultValue = "output/demo", description = "Where runs go (default ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).") long seed;

    private Config base(int epochs) {
        Config c = new Config();
        c.set("EXPERIMENT.SEED", seed);
        c.set("SOLVER.EPOCHS", (long) epochs);
        c.set("SOLVER.LR", 0.05);
        c.set("SOLVER.WEIGHT_DECAY", 5e-4);
        c.set("SOLVER.LR_DECAY_STAGES", List.of((long) Math.max(1, (int) (epochs * 0.75))));
        c.set("DATASET.NUM_WORKERS", 1L);
        return c;
    }

    @Mixin DeviceOption device;

    @Override public Integer call() throws Exception {
        device.select();
        PrintStream o = System.out;
        DataSpec spec = Setup.data(data);
        Dataset train = subset(spec.train(), trainImages, "--train-images"), test = subset(spec.test(), testImages, "--test-images");
        o.printf("crld demo: %s, %d training / %d test images, %d classes%n", spec, train.size(), test.size(), train.numClasses());
        List<String[]> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        List<Path> runs = new ArrayList<>(); // the runs so far: report.html is redrawn after every epoch of every run
        Path report = out.resolve("report.html");
        Trainer.EpochListener redraw = (epoch, dir) -> RunReport.refresh(runs, report, true, System.err);

        Config tc = base(teacherEpochs);
        tc.set("DISTILLER.STUDENT", teacherModel);
        Classifier teacher = Setup.model(teacherModel, train.numClasses(), seed + 1);
        o.printf("%n== teacher %s (%,d parameters), %d epochs%n", teacherModel, teacher.numParameters(), teacherEpochs);
        runs.add(out.resolve("teacher"));
        Trainer.Result tr = new Trainer(tc, Distiller.create(tc, teacher, null), spec, train, test, out.resolve("teacher"), o).afterEachEpoch(redraw)
                .fit(false);
        rows.add(new String[] {"teacher " + teacherModel, "-", fmt(tr.lastTop1()), fmt(tr.bestTop1()), String.format("%.0f", tr.seconds())});
        teacher.loadStateDict(Trainer.readWeights(out.resolve("teacher/best.ckpt")), true);
        teacher.eval();

        for (String method : new String[] {"NONE", "KD", "CRLD"}) {
            Config c = base(studentEpochs);
            c.set("DISTILLER.TYPE", method);
            org.crld4j.crld.train.TrainerChecks.useTrainerOf(c); // CRLD's two-view trainer for CRLD, the base one otherwise
            c.set("DISTILLER.STUDENT", studentModel);
            Classifier student = Setup.model(studentModel, train.numClasses(), seed + 2); // the same initialisation for every method
            String label = method.equals("NONE") ? "vanilla" : method.toLowerCase();
            o.printf("%n== student %s with %s, %d epochs%n", studentModel, label, studentEpochs);
            runs.add(out.resolve(label));
            Trainer.Result r = new Trainer(c, Distiller.create(c, student, method.equals("NONE") ? null : teacher), spec, train, test,
                    out.resolve(label), o).afterEachEpoch(redraw).fit(false);
            rows.add(new String[] {"student " + studentModel, label, fmt(r.lastTop1()), fmt(r.bestTop1()), String.format("%.0f", r.seconds())});
        }
        o.printf("%n%-20s %-8s %8s %8s %9s%n", "model", "method", "top-1 %", "best %", "seconds");
        for (String[] r : rows) o.printf("%-20s %-8s %8s %8s %9s%n", (Object[]) r);
        o.printf("total %.0f s; runs, logs and checkpoints under %s%n", (System.nanoTime() - t0) / 1e9, out);
        if (RunReport.refresh(runs, report, false, System.err)) o.printf("report: %s%n", report);
        return 0;
    }

    /** A class-balanced subset of {@code n} images, or all of them. */
    private Dataset subset(Dataset all, int n, String option) {
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        return n < all.size() ? org.crld4j.nn.data.Subsets.classBalancedFraction(all, (double) n / all.size(), seed) : all;
    }

    private static String fmt(double v) { return String.format("%.2f", v); }
}
