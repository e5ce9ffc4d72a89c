package org.crld4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

/**
 * What an eval-mode convolution applies to each image's output while it is still in cache:
 * a per-channel {@code y * scale + shift} (batch norm with running statistics), then an optional
 * residual added, then an optional ReLU. Each step is computed exactly as the separate batch norm,
 * add and ReLU kernels compute it, so the fused result equals the unfused one bit for bit; it
 * saves three output-sized allocations and passes per convolution (the teacher in CRLD).
 */
public record ConvEpilogue(float[] scale, float[] shift, Tensor residual, boolean relu) {
    public ConvEpilogue {
        if (scale.length != shift.length)
            throw new IllegalArgumentException("conv epilogue: " + scale.length + " scales but " + shift.length + " shifts");
    }

    /** Batch norm with running statistics, as {@link BatchNorm#forward} computes it in eval mode. */
    public static ConvEpilogue batchNorm(Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps,
                                         Tensor residual, boolean relu) {
        int c = runningMean.numel();
        float[] scale = new float[c], shift = new float[c];
        float[] g = gamma == null ? null : gamma.dense().array(), b = beta == null ? null : beta.dense().array();
        float[] rm = runningMean.dense().array(), rv = runningVar.dense().array();
        for (int ch = 0; ch < c; ch++) {
            double is = 1.0 / Math.sqrt(rv[ch] + (double) eps);
            scale[ch] = BatchNorm.scale(g, ch, is);
            shift[ch] = BatchNorm.shift(g, b, ch, rm[ch], is);
        }
        return new ConvEpilogue(scale, shift, residual == null ? null : residual.contiguous(), relu);
    }

    void check(int[] outShape) {
        if (scale.length != outShape[1])
            throw new IllegalArgumentException("conv epilogue: " + scale.length + " channels for an output " + Shapes.str(outShape));
        if (residual != null && !java.util.Arrays.equals(residual.shape(), outShape))
            throw new IllegalArgumentException("conv epilogue: residual " + Shapes.str(residual.shape())
                    + " does not match the output " + Shapes.str(outShape));
    }

    /**
     * Applies the epilogue to image n of y [N, K, OH*OW]. Per row, the vector part and the scalar
     * tail round exactly as {@link BatchNorm#affine}, the add and {@link Relu} do.
     */
    void apply(float[] y, int n, int k, int ohw) {
        float[] res = residual == null ? null : residual.array();
        int resOff = residual == null ? 0 : residual.offset();
        VectorSpecies<Float> sp = Sgemm.SPECIES;
        FloatVector zero = FloatVector.zero(sp);
        int bound = sp.loopBound(ohw);
        for (int ch = 0; ch < k; ch++) {
            int off = (n * k + ch) * ohw;
            float sc = scale[ch], sh = shift[ch];
            int j = 0;
            for (; j < bound; j += sp.length()) {
                FloatVector v = FloatVector.fromArray(sp, y, off + j).fma(sc, sh);
                if (res != null) v = v.add(FloatVector.fromArray(sp, res, resOff + off + j));
                if (relu) v = v.lanewise(VectorOperators.MAX, zero);
                v.intoArray(y, off + j);
            }
            for (; j < ohw; j++) {
                float v = y[off + j] * sc + sh;
                if (res != null) v += res[resOff + off + j];
                y[off + j] = relu ? Relu.scalar(v) : v;
            }
        }
    }
}
