import org.crld4j.experiments.bench.Workloads;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.nn.optim.Sgd;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

/**
 * One build's side of scripts/ab-step.sh, compiled against that build's jar: the workloads of
 * `crld bench-step` (batch 64, 100 classes, the same seeds), each returned as one step to time.
 */
public final class StepRun {
    private static final int BATCH = 64, CLASSES = 100;

    public static Runnable setup(String workload) {
        Rng rng = new Rng(0);
        Tensor x = Tensor.randn(rng, BATCH, 3, 32, 32), xs = Tensor.randn(rng, BATCH, 3, 32, 32);
        float[] yv = new float[BATCH];
        for (int i = 0; i < BATCH; i++) yv[i] = rng.nextInt(CLASSES);
        Tensor y = Tensor.wrap(yv, BATCH);
        if (workload.equals("crld")) {
            Classifier student = ModelZoo.create("resnet8x4", CLASSES, new Rng(0)), teacher = ModelZoo.create("resnet32x4", CLASSES, new Rng(1));
            Sgd sgd = Workloads.sgd(student);
            return () -> Workloads.crldStep(student, teacher, sgd, x, xs, y);
        }
        String[] kind = workload.split(":"); // train:MODEL or infer:MODEL
        Classifier m = ModelZoo.create(kind[1], CLASSES, new Rng(0));
        if (kind[0].equals("infer")) return () -> Workloads.inference(m, x);
        Sgd sgd = Workloads.sgd(m);
        return () -> Workloads.trainStep(m, sgd, x, y);
    }
}
