package org.crld4j.experiments;

import org.crld4j.crld.config.Config;
import org.crld4j.nn.models.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** `crld distill`: a student from a frozen teacher with CRLD or a baseline. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distill a student from a teacher (our checkpoint or a PyTorch .pth) with crld, kd, dkd, crld_dkd or vanilla.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {TrainCommand.EXIT_DONE, TrainCommand.EXIT_BAD_INPUT, TrainCommand.EXIT_DIVERGED,
                TrainCommand.EXIT_INTERRUPTED})
final class DistillCommand extends TrainCommand {
    @Option(names = "--teacher", required = true, description = "Teacher weights: a crld4j checkpoint or a PyTorch .pth (mdistiller's teachers work).")
    Path teacherFile;

    @Option(names = "--teacher-model", description = "Teacher architecture; default DISTILLER.TEACHER.")
    String teacherModel;

    @Option(names = "--method", description = "crld, kd, dkd, crld_dkd or vanilla; default the preset's or configuration's DISTILLER.TYPE, else crld.")
    String method;

    @Override String role() { return "student"; }

    @Override Config configure(Config c) throws IOException {
        Weights.requireFile(teacherFile, "teacher checkpoint"); // before any data is read
        if (model != null) c.set("DISTILLER.STUDENT", model);
        if (teacherModel != null) c.set("DISTILLER.TEACHER", teacherModel);
        String configured = c.str("DISTILLER.TYPE"); // a DKD preset distills with DKD unless --method says otherwise
        String m = (method != null ? method : configured.equals("NONE") ? "crld" : configured).toLowerCase(Locale.ROOT);
        c.set("DISTILLER.TYPE", switch (m) {
            case "crld", "kd", "dkd", "crld_dkd" -> m.toUpperCase(Locale.ROOT);
            case "vanilla" -> "NONE";
            default -> throw new IllegalArgumentException("unknown --method '" + method + "' (crld, kd, dkd, crld_dkd, vanilla)");
        });
        org.crld4j.crld.distill.Distiller.crldConfig(c); // thresholds and temperature checked before any data is read
        org.crld4j.nn.models.ModelZoo.require(c.str("DISTILLER.TEACHER"));
        return c;
    }

    @Override Classifier teacher(Config c, int classes) throws Exception {
        if (c.str("DISTILLER.TYPE").equals("NONE")) return null;
        Classifier t = Setup.model(c.str("DISTILLER.TEACHER"), classes, 0);
        Weights.load(t, c.str("DISTILLER.TEACHER"), teacherFile, "teacher checkpoint", classes);
        t.eval();
        return t;
    }
}
