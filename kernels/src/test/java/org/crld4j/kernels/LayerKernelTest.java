package org.crld4j.kernels;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.host.Pooling;
import org.crld4j.tensor.host.Ranges;
import org.crld4j.tensor.host.Softmax;
import org.crld4j.tensor.ops.PoolWindow;
import org.junit.jupiter.api.Test;

import static org.crld4j.kernels.ConvKernelTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pooling, batch norm and softmax kernels against plain tensor-op formulations. */
class LayerKernelTest {
    @Test void avgPoolOutputSizesFollowPyTorch() {
        // ceil_mode drops a last window that would start in the right padding
        assertEquals(3, PoolWindow.outSize(5, 2, 2, 0, true));
        assertEquals(2, PoolWindow.outSize(5, 2, 2, 0, false));
        assertEquals(1, PoolWindow.outSize(2, 2, 2, 0, true));
        assertEquals(4, PoolWindow.outSize(6, 3, 2, 1, true));
        assertThrows(IllegalArgumentException.class, () -> PoolWindow.of(2, 2, 2, false));
    }

    @Test void maxPoolEqualsMaxOfShiftedViews() {
        Tensor x = Tensor.randn(new Rng(1), 2, 3, 6, 6);
        Tensor y = Pooling.maxForward(Ranges.SERIAL, x, PoolWindow.of(2, 2, 0, false)).output();
        Tensor expect = x.reshape(2, 3, 3, 2, 3, 2).amax(new int[] {3, 5}, false);
        assertClose(expect, y, "max_pool2d 2x2");
    }

    @Test void adaptivePoolToOneIsTheMean() {
        Tensor x = Tensor.randn(new Rng(2), 2, 3, 5, 4);
        assertClose(x.mean(new int[] {2, 3}, true), Pooling.adaptiveAvgForward(Ranges.SERIAL, x, 1, 1), "adaptive 1x1");
    }

    @Test void batchNormTrainingMatchesTensorFormula() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 4, 3, 5, 5), g = Tensor.randn(rng, 3), b = Tensor.randn(rng, 3);
        BatchNorm.Forward f = BatchNorm.forward(x, g, b, null, null, true, 0.1f, 1e-5f);
        int[] dims = {0, 2, 3};
        Tensor mean = x.mean(dims, true), var = x.var(dims, false, true);
        Tensor expect = x.sub(mean).div(var.add(1e-5f).sqrt()).mul(g.reshape(1, 3, 1, 1)).add(b.reshape(1, 3, 1, 1));
        assertClose(expect, f.output(), "batch norm");
    }

    @Test void runningStatisticsUseUnbiasedVariance() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 6}, 4, 1);
        Tensor rm = Tensor.zeros(1), rv = Tensor.ones(1);
        BatchNorm.forward(x, null, null, rm, rv, true, 0.1f, 1e-5f);
        assertEquals(0.3f, rm.item(), 1e-6);              // 0.9*0 + 0.1*3
        assertEquals(0.9f + 0.1f * 14f / 3f, rv.item(), 1e-6); // unbiased var = 14/3
    }

    @Test void softmaxRowsSumToOneAndMatchLogSoftmax() {
        Tensor x = Tensor.randn(new Rng(4), 3, 7).mul(10f);
        Tensor p = Softmax.forward(Ranges.SERIAL, x, false), lp = Softmax.forward(Ranges.SERIAL, x, true);
        assertClose(Tensor.ones(3), p.sum(new int[] {1}, false), "row sums");
        assertClose(p.log(), lp, "log of softmax");
    }

    /**
     * Batch norm's row sums are the vector lanes' float partial sums (8 at 256 bits) added in lane order, in double,
     * in the interpreter and once C2 has compiled them alike (reduceLanes(ADD) was compiled to a
     * tree order, so a run's first steps depended on when the JIT finished: seeded runs drifted).
     */
    @Test void batchNormRowSumsKeepOneOrderOnceCompiled() {
        Rng rng = new Rng(12);
        float[] x = Tensor.randn(rng, 67).toArray();
        for (int i = 0; i < x.length; i++) x[i] *= (i % 5 == 0) ? 1e4f : 1f; // magnitudes that make the order show
        double warm = 0;
        for (int i = 0; i < 100_000; i++) warm += BatchNorm.sum(x, i & 1, 64); // long enough for C2
        assertEquals(true, Double.isFinite(warm));
        for (int off = 0; off < 3; off++) {
            float[] lane = new float[Sgemm.L];
            for (int j = 0; j < 64; j++) lane[j % Sgemm.L] += x[off + j];
            double expect = 0;
            for (float l : lane) expect += l;
            assertEquals(expect, BatchNorm.sum(x, off, 64), 0.0, "row sum at offset " + off);
        }
    }
}
