package org.crld4j.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    static Tensor seq(int... shape) { return Tensor.arange(Shapes.numel(shape)).reshape(shape); }

    @Test void viewsShareStorage() {
        Tensor t = seq(2, 3, 4);
        Tensor v = t.view(6, 4), p = t.permute(2, 0, 1), n = t.narrow(1, 1, 2), e = t.select(0, 1).unsqueeze(0).expand(3, 3, 4);
        for (Tensor view : List.of(v, p, n, e)) assertSame(t.storage(), view.storage());
        n.set(-1f, 0, 0, 0);
        assertEquals(-1f, t.get(0, 1, 0));
        assertArrayEquals(new int[] {0, 4, 1}, e.strides());
        assertTrue(!p.isContiguous() && p.contiguous().isContiguous());
    }

    @Test void viewFailsWherePyTorchFailsAndReshapeCopies() {
        Tensor t = seq(3, 4).t();
        assertThrows(IllegalArgumentException.class, () -> t.view(12));
        Tensor r = t.reshape(12);
        assertNotSame(t.storage(), r.storage());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, r.toArray());
        // splitting a dim of a transposed tensor is still a view
        Tensor base = seq(4, 6);
        assertSame(base.storage(), base.t().view(2, 3, 4).storage());
    }

    @Test void sliceSqueezeAndSelect() {
        Tensor t = seq(5, 2);
        assertArrayEquals(new float[] {0, 1, 4, 5, 8, 9}, t.slice(0, 0, 5, 2).toArray());
        assertArrayEquals(new float[] {6, 7, 8, 9}, t.slice(0, -2, 10, 1).toArray());
        assertArrayEquals(new int[] {2}, seq(1, 2, 1).squeeze().shape());
        assertArrayEquals(new int[] {2, 1}, seq(1, 2, 1).squeeze(0).shape());
        assertArrayEquals(new float[] {1, 3, 5, 7, 9}, t.select(1, 1).toArray());
    }

    @Test void broadcastingArithmetic() {
        Tensor a = seq(2, 1, 3), b = seq(4, 1);
        Tensor c = a.add(b);
        assertArrayEquals(new int[] {2, 4, 3}, c.shape());
        assertEquals(1 + 3f, c.get(0, 3, 1));
        assertEquals(5 + 2f, c.get(1, 2, 2));
        assertArrayEquals(new float[] {0, 0.5f, 1}, seq(3).div(Tensor.scalar(2)).toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> seq(2, 3).mul(seq(4)));
        assertEquals("mul: shapes [2, 3] and [4] cannot be broadcast", e.getMessage());
    }

    @Test void reductionsOverDims() {
        Tensor t = seq(2, 3, 4);
        assertArrayEquals(new int[] {2, 1, 4}, t.sum(1, true).shape());
        assertEquals(276f, t.sum().item());
        assertArrayEquals(new float[] {60, 66, 72, 78}, t.sum(new int[] {0, 1}, false).toArray());
        assertArrayEquals(new float[] {3, 3}, t.argmax(-1, false).reshape(6).narrow(0, 0, 2).toArray());
        assertArrayEquals(new float[] {11, 23}, t.amax(new int[] {1, 2}, false).toArray());
        assertEquals(1.6666666f, seq(4).var(new int[] {0}, true, false).item(), 1e-6);
        assertEquals(1.25f, seq(4).var(new int[] {0}, false, false).item(), 1e-6);
        assertArrayEquals(new float[] {1.5f, 5.5f}, seq(2, 4).mean(1, false).toArray());
    }

    @Test void matmulHandlesTransposedViewsAndBatches() {
        Tensor a = seq(3, 2), b = seq(2, 4);
        Tensor expect = Tensor.of(new float[] {4, 5, 6, 7, 12, 17, 22, 27, 20, 29, 38, 47}, 3, 4);
        assertArrayEquals(expect.toArray(), a.matmul(b).toArray());
        assertArrayEquals(expect.toArray(), a.t().contiguous().t().matmul(b.t().contiguous().t()).toArray());
        Tensor batched = seq(2, 3, 2).matmul(b);
        assertArrayEquals(new int[] {2, 3, 4}, batched.shape());
        assertArrayEquals(expect.toArray(), batched.select(0, 0).toArray());
        assertArrayEquals(new int[] {3}, a.matmul(seq(2)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(seq(3, 3)));
        assertTrue(e.getMessage().startsWith("matmul: shapes [3, 2] and [3, 3]"), e.getMessage());
    }

    @Test void catSplitChunkStack() {
        Tensor a = seq(2, 2), b = seq(2, 3).add(10f);
        Tensor c = Tensor.cat(List.of(a, b), 1);
        assertArrayEquals(new float[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, c.toArray());
        List<Tensor> parts = c.split(new int[] {2, 3}, 1);
        assertArrayEquals(a.toArray(), parts.get(0).toArray());
        assertEquals(3, seq(7).chunk(3, 0).size());
        assertArrayEquals(new int[] {2, 2, 2}, Tensor.stack(List.of(a, a), 1).shape());
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(a, seq(3, 3)), 1));
    }

    @Test void gatherScatterOneHot() {
        Tensor t = seq(2, 3);
        Tensor idx = Tensor.of(new float[] {2, 0, 1, 1}, 2, 2);
        assertArrayEquals(new float[] {2, 0, 4, 4}, t.gather(1, idx).toArray());
        Tensor s = Tensor.zeros(2, 3).scatter(1, idx, Tensor.ones(2, 2));
        assertArrayEquals(new float[] {1, 0, 1, 0, 1, 0}, s.toArray());
        assertArrayEquals(new float[] {2, 0, 0, 0, 2, 0},
                Tensor.zeros(2, 3).scatterAdd(1, Tensor.of(new float[] {0, 0, 1, 1}, 2, 2), Tensor.ones(2, 2)).toArray());
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, Tensor.oneHot(Tensor.of(new float[] {1, 0}, 2), 3).toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.oneHot(Tensor.of(new float[] {3}, 1), 3));
        assertArrayEquals(new float[] {3, 4, 5, 0, 1, 2}, t.indexSelect(0, Tensor.of(new float[] {1, 0}, 2)).toArray());
    }

    @Test void comparisonsAndWhere() {
        Tensor a = seq(4);
        assertArrayEquals(new float[] {0, 0, 1, 1}, a.ge(2f).toArray());
        assertArrayEquals(new float[] {1, 0, 0, 0}, a.lt(Tensor.of(new float[] {1, 1, 1, 1}, 4)).toArray());
        assertArrayEquals(new float[] {0, -1, 2, -1}, Tensor.where(Tensor.of(new float[] {1, 0, 1, 0}, 4), a, Tensor.scalar(-1)).toArray());
    }

    @Test void inPlaceOpsForOptimisers() {
        Tensor w = Tensor.ones(3);
        w.addInPlace(seq(3), -0.5f).mulInPlace(2f);
        assertArrayEquals(new float[] {2, 1, 0}, w.toArray());
        Tensor view = seq(2, 3).t();
        view.fill(7f);
        assertArrayEquals(new float[] {7, 7, 7, 7, 7, 7}, view.toArray());
    }

    @Test void rngIsDeterministicAndRestorable() {
        Rng a = new Rng(42), b = new Rng(42);
        assertArrayEquals(Tensor.randn(a, 5).toArray(), Tensor.randn(b, 5).toArray());
        a.nextGaussian();
        long[] st = a.state();
        double next = a.nextGaussian();
        Rng c = new Rng(0);
        c.setState(st);
        assertEquals(next, c.nextGaussian());
        Tensor u = Tensor.uniform(new Rng(1), -2f, 3f, 1000);
        assertTrue(u.minAll() >= -2f && u.maxAll() < 3f);
        assertEquals(0.5f, u.mean().item(), 0.2f);
    }
}
