package org.crld4j.nn.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class LoaderTest {
    static ArrayDataset tiny(int n) {
        byte[] px = new byte[n * 32 * 32 * 3];
        int[] labels = new int[n];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 31 + i / 3072);
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return new ArrayDataset(px, labels, 32, 32, 3, 10, "synthetic");
    }

    static List<Loader.Batch> all(Loader l, int epoch) {
        List<Loader.Batch> out = new ArrayList<>();
        for (Iterator<Loader.Batch> it = l.epoch(epoch); it.hasNext(); ) out.add(it.next());
        return out;
    }

    @Test void identicalWhateverTheWorkerCount() {
        ArrayDataset d = tiny(23);
        try (Loader a = new Loader(d, Pipeline.cifarWeak(), Pipeline.cifarStrong(), 8, true, 42, 0);
             Loader b = new Loader(d, Pipeline.cifarWeak(), Pipeline.cifarStrong(), 8, true, 42, 3)) {
            List<Loader.Batch> x = all(a, 1), y = all(b, 1);
            assertEquals(3, x.size());
            assertEquals(7, x.get(2).size(), "the last partial batch is kept");
            for (int i = 0; i < x.size(); i++) {
                assertArrayEquals(x.get(i).weak().toArray(), y.get(i).weak().toArray());
                assertArrayEquals(x.get(i).strong().toArray(), y.get(i).strong().toArray());
                assertArrayEquals(x.get(i).labels().toArray(), y.get(i).labels().toArray());
            }
            assertArrayEquals(new int[] {8, 3, 32, 32}, x.get(0).weak().shape());
            assertFalse(java.util.Arrays.equals(x.get(0).weak().toArray(), x.get(0).strong().toArray()));
            assertNotEquals(java.util.Arrays.toString(a.order(1)), java.util.Arrays.toString(a.order(2)), "a new order each epoch");
            assertArrayEquals(a.order(3), b.order(3));
        }
    }

    @Test void unshuffledSingleViewKeepsDatasetOrder() {
        try (Loader l = new Loader(tiny(5), Pipeline.test(Pipeline.CIFAR100_MEAN, Pipeline.CIFAR100_STD), null, 2, false, 1, 0)) {
            List<Loader.Batch> b = all(l, 1);
            assertArrayEquals(new int[] {0, 1}, b.get(0).indices());
            assertArrayEquals(new int[] {4}, b.get(2).indices());
            assertEquals(null, b.get(0).strong());
            float expect = ((tiny(5).image(0).get(0, 0, 0)) / 255f - Pipeline.CIFAR100_MEAN[0]) / Pipeline.CIFAR100_STD[0];
            assertEquals(expect, b.get(0).weak().get(0, 0, 0, 0), 1e-6);
        }
    }

    @Test void classBalancedLabelFraction() {
        ArrayDataset d = tiny(200);
        Dataset tenth = Subsets.classBalancedFraction(d, 0.1, 3);
        assertEquals(20, tenth.size());
        int[] counts = new int[10];
        for (int i = 0; i < tenth.size(); i++) counts[tenth.label(i)]++;
        for (int c : counts) assertEquals(2, c);
        Dataset again = Subsets.classBalancedFraction(d, 0.1, 3);
        for (int i = 0; i < tenth.size(); i++) assertArrayEquals(tenth.image(i).pixels(), again.image(i).pixels());
    }
}
