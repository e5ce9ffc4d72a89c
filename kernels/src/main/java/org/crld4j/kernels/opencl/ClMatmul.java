package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Tensor;

/** torch.matmul as a tiled SGEMM (gemm.cl). */
final class ClMatmul {
    private final ClDevice device;

    ClMatmul(ClDevice device) { this.device = device; }

    Tensor matmul(Tensor a, Tensor b) { throw new UnsupportedOperationException("opencl: matmul not implemented yet"); }
}
