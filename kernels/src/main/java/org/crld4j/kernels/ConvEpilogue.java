package org.crld4j.kernels;

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
        for (int ch = 0; ch < k; ch++) {
            int off = (n * k + ch) * ohw;
            BatchNorm.affineAct(y, res, resOff, y, off, ohw, scale[ch], shift[ch], relu); // in place, as training's batch norm computes it
        }
    }
}
