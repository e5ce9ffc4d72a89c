package org.crld4j.experiments;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Evaluator;
import org.crld4j.crld.train.Trainer;
import org.crld4j.crld.train.TrainerChecks;
import org.crld4j.experiments.report.RunReport;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `crld demo`, the main job on the embedded data: the shipped teacher (trained once on the full
 * Fashion-MNIST, {@value #SHIPPED_TEACHER}) or, with {@code --train-teacher}, one trained here;
 * then the same student from the same initialisation with vanilla training, KD and CRLD, over one
 * seed or {@code --seeds N}; prints a comparison (mean and standard deviation per method over
 * several seeds) and writes {@code report.html} beside the runs, redrawn after every epoch.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Distil the shipped Fashion-MNIST teacher into students with vanilla training, KD and CRLD on the embedded subset; print a comparison.")
final class DemoCommand implements Callable<Integer>, HeapPlan.Planned {
    /** The teacher shipped with crld4j, relative to its home (how it was trained: the README beside it). */
    static final String SHIPPED_TEACHER = "teachers/fashion-mnist-resnet20/teacher.ckpt";

    @Option(names = "--teacher", description = "Teacher weights (crld4j checkpoint or .pth; default: the shipped " + SHIPPED_TEACHER + ").") Path teacherFile;
    @Option(names = "--train-teacher", description = "Train the teacher here on the demo's images instead of loading one.") boolean trainTeacher;
    @Option(names = "--teacher-model", defaultValue = "resnet20", description = "Teacher (default ${DEFAULT-VALUE}).") String teacherModel;
    @Option(names = "--teacher-epochs", defaultValue = "4", description = "Teacher epochs with --train-teacher (default ${DEFAULT-VALUE}).") int teacherEpochs;
    @Option(names = "--student-model", defaultValue = "resnet8", description = "Student (default ${DEFAULT-VALUE}).") String studentModel;
    @Option(names = "--student-epochs", defaultValue = "3", description = "Epochs per student (default ${DEFAULT-VALUE}).") int studentEpochs;
    @Option(names = "--train-images", defaultValue = "5000", description = "Training images used from the 10,000 (default ${DEFAULT-VALUE}).") int trainImages;
    @Option(names = "--test-images", defaultValue = "2000", description = "Test images used (default ${DEFAULT-VALUE}: all of the embedded).") int testImages;
    @Option(names = "--data", defaultValue = "embedded", description = "Data spec (default: the embedded subset).") String data;
    @Option(names = "--out", defaultValue = "output/demo", description = "Where runs go (default ${DEFAULT-VALUE}).") Path out;
    @Option(names = "--seed", defaultValue = "0", description = "First seed (default ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--seeds", defaultValue = "1", description = "Students repeated over this many seeds, from --seed up (default ${DEFAULT-VALUE}); prints mean and standard deviation.") int seeds;

    @Mixin DeviceOption device;

    private static final String[] METHODS = {"NONE", "KD", "CRLD"};

    private Config base(int epochs, long runSeed) {
        Config c = new Config();
        c.set("EXPERIMENT.SEED", runSeed);
        c.set("SOLVER.EPOCHS", (long) epochs);
        c.set("SOLVER.LR", 0.05);
        c.set("SOLVER.WEIGHT_DECAY", 5e-4);
        c.set("SOLVER.LR_DECAY_STAGES", List.of((long) Math.max(1, (int) (epochs * 0.75))));
        c.set("DATASET.NUM_WORKERS", 1L);
        return c;
    }

    /** The data, the teacher, and the student on CRLD's two views (the teacher on one where it is trained here). */
    @Override public HeapPlan.Work work() throws Exception {
        if (!device.isHost()) return null;
        DataSpec spec = Setup.data(data);
        Dataset train = subset(spec.train(), trainImages, "--train-images"), test = subset(spec.test(), testImages, "--test-images");
        Classifier teacher = Setup.model(teacherModel, train.numClasses(), seed + 1);
        Classifier student = Setup.model(studentModel, train.numClasses(), seed + 2);
        int batch = base(studentEpochs, seed).integer("SOLVER.BATCH_SIZE");
        List<HeapPlan.Trained> trained = new ArrayList<>(List.of(new HeapPlan.Trained(student, batch, 2, spec.sampleShape())));
        if (trainTeacher) trained.add(new HeapPlan.Trained(teacher, batch, 1, spec.sampleShape()));
        return new HeapPlan.Work(List.of(train, test, teacher, student), trained);
    }

    @Override public Integer call() throws Exception {
        if (seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
        if (trainTeacher && teacherFile != null) throw new IllegalArgumentException("--train-teacher and --teacher exclude each other");
        device.select();
        PrintStream o = System.out;
        DataSpec spec = Setup.data(data);
        Dataset train = subset(spec.train(), trainImages, "--train-images"), test = subset(spec.test(), testImages, "--test-images");
        org.crld4j.nn.models.ModelZoo.require(teacherModel);
        org.crld4j.nn.models.ModelZoo.require(studentModel);
        Path shipped = teacherFile != null ? teacherFile : home().resolve(SHIPPED_TEACHER);
        if (!trainTeacher) Weights.requireFile(shipped, "teacher (train one here with --train-teacher)");
        o.printf("crld demo: %s, %d training / %d test images, %d classes%n", spec, train.size(), test.size(), train.numClasses());
        long t0 = System.nanoTime();
        List<Path> runs = new ArrayList<>(); // the runs so far: report.html is redrawn after every epoch of every run
        Path report = out.resolve("report.html");
        Trainer.EpochListener redraw = (epoch, dir) -> RunReport.refresh(runs, report, true, System.err);

        Classifier teacher = Setup.model(teacherModel, train.numClasses(), seed + 1);
        String teacherRow;
        if (trainTeacher) {
            Config tc = base(teacherEpochs, seed);
            tc.set("DISTILLER.STUDENT", teacherModel);
            o.printf("%n== teacher %s (%,d parameters), %d epochs here%n", teacherModel, teacher.numParameters(), teacherEpochs);
            runs.add(out.resolve("teacher"));
            Trainer.Result tr = new Trainer(tc, Distiller.create(tc, teacher, null), spec, train, test, out.resolve("teacher"), o)
                    .afterEachEpoch(redraw).fit(false);
            teacher.loadStateDict(Trainer.readWeights(out.resolve("teacher/best.ckpt")), true);
            teacherRow = String.format("trained here, %d epochs, %.0f s", teacherEpochs, tr.seconds());
        } else {
            Weights.load(teacher, teacherModel, shipped, "teacher", train.numClasses());
            teacherRow = "loaded from " + shipped;
        }
        teacher.eval();
        Evaluator.Result te = Evaluator.evaluate(teacher, test, spec.testPipeline(), 100, 1);
        o.printf("%nteacher %s, %s: top-1 %.2f%% on the %d test images%n", teacherModel, teacherRow, te.top1(), te.samples());

        Map<String, List<Double>> top1 = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            long s = seed + i;
            Path dir = seeds == 1 ? out : out.resolve("seed" + s);
            for (String method : METHODS) {
                String label = method.equals("NONE") ? "vanilla" : method.toLowerCase();
                Config c = base(studentEpochs, s);
                c.set("DISTILLER.TYPE", method);
                TrainerChecks.useTrainerOf(c); // CRLD's two-view trainer for CRLD, the base one otherwise
                c.set("DISTILLER.STUDENT", studentModel);
                Classifier student = Setup.model(studentModel, train.numClasses(), s + 2); // the same initialisation for every method
                o.printf("%n== student %s with %s, %d epochs, seed %d%n", studentModel, label, studentEpochs, s);
                runs.add(dir.resolve(label));
                Trainer.Result r = new Trainer(c, Distiller.create(c, student, method.equals("NONE") ? null : teacher), spec, train, test,
                        dir.resolve(label), o).afterEachEpoch(redraw).fit(false);
                top1.computeIfAbsent(label, k -> new ArrayList<>()).add(r.lastTop1());
                rows.add(new String[] {"student " + studentModel, label, Long.toString(s), fmt(r.lastTop1()), fmt(r.bestTop1()),
                        String.format("%.0f", r.seconds())});
            }
        }
        o.printf("%n%-20s %-8s %5s %8s %8s %9s%n", "model", "method", "seed", "top-1 %", "best %", "seconds");
        o.printf("%-20s %-8s %5s %8s %8s %9s%n", "teacher " + teacherModel, "-", "-", fmt(te.top1()), "-", "-");
        for (String[] r : rows) o.printf("%-20s %-8s %5s %8s %8s %9s%n", (Object[]) r);
        if (seeds > 1) {
            o.printf("%nover %d seeds (%d-%d), final top-1 %%: mean +- standard deviation (n-1)%n", seeds, seed, seed + seeds - 1);
            top1.forEach((label, v) -> o.printf("%-8s %6.2f +- %.2f%n", label, mean(v), std(v)));
        }
        o.printf("total %.0f s; runs, logs and checkpoints under %s%n", (System.nanoTime() - t0) / 1e9, out);
        if (RunReport.refresh(runs, report, false, System.err)) o.printf("report: %s%n", report);
        return 0;
    }

    /** Where crld4j is installed: {@code bin/crld} says ({@code -Dcrld4j.root}); else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("crld4j.root", "."));
    }

    /** A class-balanced subset of {@code n} images, or all of them. */
    private Dataset subset(Dataset all, int n, String option) {
        if (n < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + n);
        return n < all.size() ? org.crld4j.nn.data.Subsets.classBalancedFraction(all, (double) n / all.size(), seed) : all;
    }

    static double mean(List<Double> v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.size();
    }

    /** The sample standard deviation (n - 1); 0 for one value. */
    static double std(List<Double> v) {
        if (v.size() < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.size() - 1));
    }

    private static String fmt(double v) { return String.format("%.2f", v); }
}
