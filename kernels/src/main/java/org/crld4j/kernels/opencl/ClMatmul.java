package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.Arrays;

/**
 * torch.matmul on the device (gemm.cl): 2-D, batched with broadcast batch dims (stride 0, no
 * copy), 1-D operands promoted and the added dim removed again. Operands are read through their
 * strides, so transposed, narrowed and expanded views go in as they are.
 */
final class ClMatmul {
    private final ClDevice device;
    private final String options;
    private final int tile, threads;

    ClMatmul(ClDevice device) {
        this.device = device;
        // 64x64 tiles of 16x16 items (4x4 outputs each) where a group may have 256 items, else 32x32 tiles of 8x8 items
        boolean big = device.localSize() >= 256;
        this.tile = big ? 64 : 32;
        this.threads = big ? 16 : 8;
        this.options = "-DTS=" + tile + " -DTK=16 -DWPT=4";
    }

    Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0)
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape()));
        if (a.rank() == 1 && b.rank() == 1) return matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        if (a.rank() == 1) return dropDim(matmul(a.unsqueeze(0), b), -2);
        if (b.rank() == 1) return dropDim(matmul(a, b.unsqueeze(1)), -1);
        int m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2)
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape()) + " and " + Shapes.str(b.shape())
                    + " cannot be multiplied (" + k + " != " + k2 + ")");
        int[] batch = Shapes.broadcast("matmul", Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2));
        int nb = Shapes.numel(batch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = device.empty(outShape);
        if (m == 0 || n == 0 || nb == 0) return out;
        Tensor ae = a.expand(with(batch, m, k)), be = b.expand(with(batch, k, n));
        int[] abs = Arrays.copyOf(ae.strides(), batch.length), bbs = Arrays.copyOf(be.strides(), batch.length);
        StridedLayout bl = StridedLayout.of("matmul", batch, abs, bbs);
        long[] global = {(long) ceilDiv(n, tile) * threads, (long) ceilDiv(m, tile) * threads, nb};
        device.launch(device.kernel("gemm", options, "gemm"), global, new long[] {threads, threads, 1},
                m, n, k, ae, ae.offset(), ae.stride(-2), ae.stride(-1), be, be.offset(), be.stride(-2), be.stride(-1), out,
                bl.rank, bl.shape, bl.strides[0], bl.strides[1]);
        return out;
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    private static int[] with(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    private static Tensor dropDim(Tensor t, int d) {
        int dd = Shapes.dim("matmul", d, t.rank());
        int[] s = new int[t.rank() - 1];
        for (int i = 0, j = 0; i < t.rank(); i++) if (i != dd) s[j++] = t.size(i);
        return t.reshape(s);
    }
}
