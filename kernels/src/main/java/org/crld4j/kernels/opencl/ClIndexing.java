package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Tensor;

import java.util.List;

/** Joining and index-driven ops (index.cl). */
final class ClIndexing {
    private final ClDevice device;
    private final ClElementwise elementwise;

    ClIndexing(ClDevice device, ClElementwise elementwise) { this.device = device; this.elementwise = elementwise; }

    Tensor cat(List<Tensor> ts, int dim) { throw new UnsupportedOperationException("opencl: cat not implemented yet"); }
    Tensor gather(Tensor x, int dim, Tensor index) { throw new UnsupportedOperationException("opencl: gather not implemented yet"); }
    Tensor scatter(Tensor x, int dim, Tensor index, Tensor src, boolean add) { throw new UnsupportedOperationException("opencl: scatter not implemented yet"); }
    Tensor indexSelect(Tensor x, int dim, Tensor index) { throw new UnsupportedOperationException("opencl: indexSelect not implemented yet"); }
    Tensor oneHot(Tensor labels, int classes) { throw new UnsupportedOperationException("opencl: oneHot not implemented yet"); }
}
