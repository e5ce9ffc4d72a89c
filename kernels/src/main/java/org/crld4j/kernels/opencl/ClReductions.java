package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.ReduceOp;

/** Reductions over dims in a fixed order (reduce.cl). */
final class ClReductions {
    private final ClDevice device;

    ClReductions(ClDevice device) { this.device = device; }

    Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim) { throw new UnsupportedOperationException("opencl: reduce not implemented yet"); }
    Tensor argExtreme(Tensor x, int dim, boolean keepdim, boolean max) { throw new UnsupportedOperationException("opencl: argExtreme not implemented yet"); }
    Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim) { throw new UnsupportedOperationException("opencl: var not implemented yet"); }
    Tensor sumTo(Tensor x, int[] shape) { throw new UnsupportedOperationException("opencl: sumTo not implemented yet"); }
}
