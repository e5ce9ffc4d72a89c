package org.crld4j.experiments;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.Variable;
import org.crld4j.crld.config.Config;
import org.crld4j.crld.distill.Distiller;
import org.crld4j.crld.loss.CrldConfig;
import org.crld4j.crld.loss.CrldLoss;
import org.crld4j.crld.train.DataSpec;
import org.crld4j.experiments.report.InspectPage;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.EmbeddedData;
import org.crld4j.nn.data.Image;
import org.crld4j.nn.data.Loader;
import org.crld4j.nn.data.Pipeline;
import org.crld4j.nn.models.Classifier;
import org.crld4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * `crld inspect`: one batch laid open. Per sample: the teacher's confidence on each view, both
 * masks, the four KD terms and what each contributes; then the three losses and the total. With
 * {@code --html}, the same batch as a page to show in a lecture (see {@link InspectPage}).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Show CRLD's masks and loss terms per sample for one batch.")
final class InspectCommand implements Callable<Integer> {
    @Mixin Setup setup;
    @Option(names = "--teacher", required = true, description = "Teacher weights (crld4j checkpoint or .pth).") Path teacherFile;
    @Option(names = "--teacher-model", description = "Teacher architecture; default DISTILLER.TEACHER.") String teacherModel;
    @Option(names = "--student", description = "Student weights (default: freshly initialised).") Path studentFile;
    @Option(names = "--student-model", description = "Student architecture; default DISTILLER.STUDENT.") String studentModel;
    @Option(names = "--batch", defaultValue = "8", description = "Samples to show (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--html", paramLabel = "FILE", description = "Also write the batch as a page: images, views, predictions, masks, the four pairs.")
    Path html;

    @Override public Integer call() throws Exception {
        Config c = setup.config();
        if (teacherModel != null) c.set("DISTILLER.TEACHER", teacherModel);
        if (studentModel != null) c.set("DISTILLER.STUDENT", studentModel);
        CrldConfig cc = Distiller.crldConfig(c);
        Weights.requireFile(teacherFile, "teacher checkpoint");
        if (studentFile != null) Weights.requireFile(studentFile, "student checkpoint");
        DataSpec spec = setup.dataSpec();
        Dataset train = spec.train();
        Classifier teacher = Setup.model(c.str("DISTILLER.TEACHER"), train.numClasses(), 0);
        Weights.load(teacher, c.str("DISTILLER.TEACHER"), teacherFile, "teacher checkpoint", train.numClasses());
        Classifier student = Setup.model(c.str("DISTILLER.STUDENT"), train.numClasses(), c.longValue("EXPERIMENT.SEED"));
        if (studentFile != null) Weights.load(student, c.str("DISTILLER.STUDENT"), studentFile, "student checkpoint", train.numClasses());
        Distiller.Crld d = new Distiller.Crld(student, teacher, cc, c.bool("EXPERIMENT.LOGIT_STAND"), false, 1f, 8f, 20);
        Loader.Batch b;
        try (Loader loader = new Loader(train, spec.weak(), spec.strong(), batch, true, c.longValue("EXPERIMENT.SEED"), 0)) {
            b = loader.epoch(1).next();
        }
        CrldLoss.Terms t;
        try (var s = Autograd.noGrad()) { t = d.terms(b.weak(), b.strong(), b.labels(), 1); }
        System.out.printf("CRLD on one batch of %d from %s: T=%.1f  tau_w=%.2f  tau_s=%.2f  weights ce %.2f wv %.2f cv %.2f%n%n", b.size(), spec,
                cc.temperature(), cc.tauW(), cc.tauS(), cc.ceWeight(), cc.wvWeight(), cc.cvWeight());
        System.out.println("  #  label  conf_w  m_w  conf_s  m_s | KD(sw,tw) KD(ss,ts) | KD(ss,tw) KD(sw,ts) | within-view  cross-view");
        float[] cw = t.confWeak().toArray(), cs = t.confStrong().toArray(), mw = t.maskWeak().toArray(), ms = t.maskStrong().toArray();
        float[] a = t.kdSwTw().data().toArray(), bb = t.kdSsTs().data().toArray(), x = t.kdSsTw().data().toArray(), y = t.kdSwTs().data().toArray();
        int[] labels = b.labels().toIntArray();
        for (int i = 0; i < b.size(); i++)
            System.out.printf("%3d  %5d  %6.3f  %3s  %6.3f  %3s | %9.4f %9.4f | %9.4f %9.4f | %11.4f %11.4f%n", i, labels[i], cw[i], mw[i] > 0 ? "yes" : "no",
                    cs[i], ms[i] > 0 ? "yes" : "no", a[i], bb[i], x[i], y[i], mw[i] * (a[i] + bb[i]), ms[i] * (x[i] + y[i]));
        System.out.printf("%nmask rates: weak %.2f, strong %.2f (means divide by the whole batch of %d)%n", t.maskWeak().mean().item(),
                t.maskStrong().mean().item(), b.size());
        System.out.printf("L_ce = CE(sw) + CE(ss)        = %.4f  x %.2f = %.4f%n", t.ce().item(), cc.ceWeight(), t.ce().item() * cc.ceWeight());
        System.out.printf("L_wv = mean(m_w * within)      = %.4f  x %.2f = %.4f%n", t.kdWithinView().item(), cc.wvWeight(), t.kdWithinView().item() * cc.wvWeight());
        System.out.printf("L_cv = mean(m_s * cross)       = %.4f  x %.2f = %.4f%n", t.kdCrossView().item(), cc.cvWeight(), t.kdCrossView().item() * cc.cvWeight());
        System.out.printf("total                                         = %.4f%n", t.total().item());
        if (html != null) {
            Tensor tw, ts;
            try (var s = Autograd.noGrad()) { // the teacher's predictions, as terms() computed them (eval mode, same weights)
                tw = teacher.forward(Variable.constant(b.weak())).data();
                ts = teacher.forward(Variable.constant(b.strong())).data();
            }
            List<Image> originals = Arrays.stream(b.indices()).mapToObj(train::image).toList();
            Pipeline weak = spec.weak();
            InspectPage.write(html, new InspectPage.Batch(spec.toString(), originals, labels, b.weak(), b.strong(), weak.mean(), weak.std(),
                    tw, ts, t, cc, classNames(spec, train.numClasses())));
            System.out.printf("%npage: %s%n", html);
        }
        return 0;
    }

    /** Fashion-MNIST's class names for the data that is Fashion-MNIST; elsewhere the report says "class N". */
    private static String[] classNames(DataSpec spec, int classes) {
        boolean fashion = (spec.kind().equals("embedded") || spec.kind().equals("idx")) && classes == EmbeddedData.FASHION_CLASSES.length;
        return fashion ? EmbeddedData.FASHION_CLASSES : new String[0];
    }
}
