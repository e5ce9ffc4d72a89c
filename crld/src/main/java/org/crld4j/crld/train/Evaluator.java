package org.crld4j.crld.train;

import org.crld4j.autograd.Autograd;
import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.Loader;
import org.crld4j.nn.data.Pipeline;
import org.crld4j.nn.models.Classifier;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Tensor;

/** Top-1, top-5 accuracy (%) and mean cross-entropy of a model in eval mode, as mdistiller's validate(). */
public final class Evaluator {
    private Evaluator() {}

    public record Result(double top1, double top5, double loss, int samples) {}

    public static Result evaluate(Classifier model, Dataset data, Pipeline pipeline, int batchSize, int workers) {
        return evaluate(model, data, pipeline, batchSize, workers, null);
    }

    /** {@link #evaluate(Classifier, Dataset, Pipeline, int, int)}, telling {@code progress} (if not null) after each batch. */
    static Result evaluate(Classifier model, Dataset data, Pipeline pipeline, int batchSize, int workers, Progress progress) {
        model.eval();
        Device device = model.device();
        long correct1 = 0, correct5 = 0;
        double lossSum = 0;
        int n = 0, batch = 0;
        try (Loader loader = new Loader(data, pipeline, null, batchSize, false, 0, workers); var s = Autograd.noGrad()) {
            for (var it = loader.epoch(1); it.hasNext(); ) {
                Loader.Batch b = it.next();
                Tensor logits = model.forward(Variable.constant(b.weak().to(device))).data();
                float[] z = logits.toArray(); // one copy to the host per batch, read by both checks
                int classes = logits.size(1);
                refuseNaN(z, classes, batch++, n);
                lossSum += F.crossEntropy(Variable.constant(logits), b.labels().to(device)).item() * b.size();
                long[] c = topK(z, b.size(), classes, b.labels().toIntArray());
                correct1 += c[0];
                correct5 += c[1];
                n += b.size();
                if (progress != null) progress.update(batch, Float.NaN, n);
            }
        }
        return new Result(100.0 * correct1 / n, 100.0 * correct5 / n, lossSum / n, n);
    }

    /** A model whose logits are NaN has no accuracy: say where, rather than report a number. */
    private static void refuseNaN(float[] z, int c, int batch, int firstSample) {
        for (int i = 0; i < z.length; i++)
            if (Float.isNaN(z[i]))
                throw new IllegalArgumentException("the model's logits are NaN in evaluation batch " + batch + " (sample "
                        + (firstSample + i / c) + ", class " + i % c + "): the weights are broken or training diverged");
    }

    /**
     * {top-1 hits, top-5 hits} of a batch of logits. A sample's rank is the number of classes
     * ordered before its target, as {@code torch.topk} orders them: larger values first, NaN
     * above every number, ties by class index.
     */
    public static long[] topK(Tensor logits, Tensor labels) {
        return topK(logits.toArray(), logits.size(0), logits.size(1), labels.toIntArray());
    }

    /** {@link #topK(Tensor, Tensor)} on row-major host logits [n, c]. */
    private static long[] topK(float[] z, int n, int c, int[] y) {
        long top1 = 0, top5 = 0;
        for (int i = 0; i < n; i++) {
            float target = z[i * c + y[i]];
            int rank = 0;
            for (int j = 0; j < c; j++) {
                if (ranksBefore(z[i * c + j], j, target, y[i])) rank++;
            }
            if (rank == 0) top1++;
            if (rank < 5) top5++;
        }
        return new long[] {top1, top5};
    }

    private static boolean ranksBefore(float v, int j, float target, int targetClass) {
        boolean vNaN = Float.isNaN(v), targetNaN = Float.isNaN(target);
        if (vNaN || targetNaN) return vNaN && (!targetNaN || j < targetClass);
        return v > target || (v == target && j < targetClass);
    }
}
