package org.crld4j.experiments;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Trainer;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `crld train` (one model, e.g. a teacher) and `crld distill` share this runner. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train one model with cross-entropy (e.g. a teacher).")
class TrainCommand implements Callable<Integer> {
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

    @Override public Integer call() throws Exception {
        Config c = configure(setup.config());
        DataSpec spec = setup.dataSpec();
        Path dir = setup.runDir(c);
        if (resume && !Files.isRegularFile(dir.resolve("latest.ckpt")))
            throw new IOException("--resume: no latest.ckpt in " + dir + " (nothing to resume; run without --resume to start)");
        Classifier student = Setup.model(c.str("DISTILLER.STUDENT"), 10, 0); // validates the name before reading data
        Dataset train = spec.train(), test = spec.test();
        student = Setup.model(c.str("DISTILLER.STUDENT"), train.numClasses(), c.longValue("EXPERIMENT.SEED"));
        Classifier teacher = teacher(c, train.numClasses());
        Distiller d = Distiller.create(c, student, teacher);
        System.out.printf("%s: student %s (%,d parameters)%s on %s (%d train / %d test images, %d classes) -> %s%n", d.name(),
                c.str("DISTILLER.STUDENT"), student.numParameters(), teacher == null ? "" : ", teacher " + c.str("DISTILLER.TEACHER"),
                spec, train.size(), test.size(), train.numClasses(), dir);
        Trainer t = new Trainer(c, d, spec, train, test, dir, System.out);
        Thread hook = t.installInterruptHandler();
        try {
            Trainer.Result r = t.fit(resume);
            System.out.printf("done in %.1f s; best top-1 %.2f%%, last %.2f%%; logs and checkpoints in %s%n", r.seconds(), r.bestTop1(), r.lastTop1(), dir);
            return 0;
        } catch (Trainer.DivergedException | Trainer.InterruptedTraining e) {
            System.err.println(e.getMessage());
            return 3;
        } finally {
            try { Runtime.getRuntime().removeShutdownHook(hook); } catch (IllegalStateException ignored) { /* shutting down */ }
        }
    }
}
