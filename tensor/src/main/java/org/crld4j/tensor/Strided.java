package org.crld4j.tensor;

/**
 * Walks the rows of one or more strided operands that share a shape. The last dim is the "row";
 * the visitor gets each operand's offset of the row start, the row length and the row strides,
 * so inner loops stay tight while any layout (views, broadcasts with stride 0) is allowed.
 */
final class Strided {
    private Strided() {}

    interface RowVisitor { void row(int[] offsets, int length); }

    /** @param strides strides[k] are operand k's strides (rank = shape.length); offsets are the bases. */
    static void forEachRow(int[] shape, int[][] strides, int[] bases, RowVisitor v) {
        int rank = shape.length;
        int ops = strides.length;
        int[] off = bases.clone();
        if (rank == 0) { v.row(off, 1); return; }
        for (int s : shape) if (s == 0) return;
        int len = shape[rank - 1];
        int[] idx = new int[rank];
        while (true) {
            v.row(off, len);
            int d = rank - 2;
            while (d >= 0) {
                idx[d]++;
                for (int k = 0; k < ops; k++) off[k] += strides[k][d];
                if (idx[d] < shape[d]) break;
                for (int k = 0; k < ops; k++) off[k] -= strides[k][d] * shape[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }

    /** Strides of {@code t} viewed at the (broadcast) shape {@code to}: 0 on broadcast dims. */
    static int[] broadcastStrides(Tensor t, int[] to) {
        int[] s = new int[to.length];
        int shift = to.length - t.rank();
        for (int i = 0; i < t.rank(); i++) s[i + shift] = t.size(i) == 1 && to[i + shift] != 1 ? 0 : t.stride(i);
        return s;
    }
}
