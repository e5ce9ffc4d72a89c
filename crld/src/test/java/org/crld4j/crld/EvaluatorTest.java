package org.crld4j.crld;

import org.crld4j.crld.train.DataSpec;
import org.crld4j.crld.train.Evaluator;
import org.crld4j.nn.data.Dataset;
import org.crld4j.nn.data.EmbeddedData;
import org.crld4j.nn.data.Idx;
import org.crld4j.nn.data.Subsets;
import org.crld4j.nn.models.Classifier;
import org.crld4j.nn.models.ModelZoo;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Top-k counting as torch.topk ranks (NaN largest, ties by index), and evaluation refusing NaN logits. */
class EvaluatorTest {
    static final float NAN = Float.NaN;

    static long[] hits(float[][] rows, int... labels) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        float[] y = new float[labels.length];
        for (int i = 0; i < labels.length; i++) y[i] = labels[i];
        return Evaluator.topK(Tensor.of(flat, rows.length, rows[0].length), Tensor.of(y, y.length));
    }

    @Test void ranksLikeTorchTopk() {
        float[] sevenClasses = {0.1f, 0.7f, 0.2f, 0.6f, 0.5f, 0.4f, 0.3f};
        assertArrayEquals(new long[] {1, 1}, hits(new float[][] {sevenClasses}, 1), "the arg-max");
        assertArrayEquals(new long[] {0, 1}, hits(new float[][] {sevenClasses}, 5), "fourth largest: top-5 only");
        assertArrayEquals(new long[] {0, 0}, hits(new float[][] {sevenClasses}, 0), "smallest of seven: rank 6");
        float[] tie = {0.5f, 0.5f, 0.1f};
        assertArrayEquals(new long[] {0, 1}, hits(new float[][] {tie}, 1), "a tie goes to the lower index");
    }

    @Test void nanRanksAboveEveryNumber() {
        // the bug this guards: a NaN target used to count as correct ("v > NaN" is false for every v)
        float[] nanTarget = {0.1f, 9f, NAN, 0.2f, 0.3f, 0.4f, 0.5f};
        assertArrayEquals(new long[] {1, 1}, hits(new float[][] {nanTarget}, 2), "a NaN target is the largest: rank 0");
        float[] nanElsewhere = {0.1f, 9f, NAN, 0.2f, 0.3f, 0.4f, 0.5f};
        assertArrayEquals(new long[] {0, 1}, hits(new float[][] {nanElsewhere}, 1), "9 ranks behind the NaN");
        float[] fiveNaN = {NAN, NAN, NAN, NAN, NAN, 8f, 1f};
        assertArrayEquals(new long[] {0, 0}, hits(new float[][] {fiveNaN}, 5), "five NaNs push the top value out of the top 5");
        float[] allNaN = {NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        assertArrayEquals(new long[] {1, 2}, hits(new float[][] {allNaN, allNaN, allNaN}, 0, 4, 6), "all NaN: ranked by index (ranks 0, 4, 6)");
    }

    @Test void evaluationRefusesNaNLogitsNamingTheBatch() throws Exception {
        Dataset test = Subsets.of(EmbeddedData.fashionMnist(false, Idx.Options.cifarLike()), IntStream.range(0, 40).toArray(), "first 40");
        Classifier broken = ModelZoo.create("resnet8", 10, new Rng(1));
        Classifier fine = ModelZoo.create("resnet8", 10, new Rng(1));
        float[] bias = broken.namedParameters().get("fc.bias").data().toArray();
        bias[3] = NAN; // every sample's class-3 logit is NaN
        broken.namedParameters().get("fc.bias").data().copyFrom(Tensor.of(bias, bias.length));
        var ok = Evaluator.evaluate(fine, test, DataSpec.parse("embedded").testPipeline(), 16, 1);
        assertTrue(ok.top1() >= 0 && ok.top1() <= 100 && ok.samples() == 40, ok.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.evaluate(broken, test, DataSpec.parse("embedded").testPipeline(), 16, 1));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("batch 0") && e.getMessage().contains("class 3"), e.getMessage());
    }
}
