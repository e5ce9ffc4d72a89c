package org.crld4j.nn.data;

import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batches of (weak view, strong view, labels), or of one view, as CRLD's two-view loader gives
 * them. The order is a seeded permutation per epoch (or dataset order without shuffling); the last
 * partial batch is kept. Each sample's views are drawn from an Rng seeded by (seed, epoch, index,
 * view), so results are identical whatever the worker count or thread timing. Worker threads
 * decode and augment ahead of the consumer, several batches deep.
 */
public final class Loader implements AutoCloseable {
    /** One batch: views as [B, C, H, W] tensors (strong is null for a single view), labels [B], dataset indices. */
    public record Batch(Tensor weak, Tensor strong, Tensor labels, int[] indices) {
        public int size() { return indices.length; }
    }

    private final Dataset data;
    private final Pipeline weak, strong;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final ExecutorService workers;
    private final int prefetch;

    /**
     * @param strong  null for single-view batches
     * @param workers decoding/augmenting threads (0: on the caller's thread)
     */
    public Loader(Dataset data, Pipeline weak, Pipeline strong, int batchSize, boolean shuffle, long seed, int workers) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (data.size() == 0) throw new IllegalArgumentException("dataset " + data.description() + " is empty");
        this.data = data;
        this.weak = weak;
        this.strong = strong;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.workers = workers > 0 ? Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "crld4j-loader");
            t.setDaemon(true);
            return t;
        }) : null;
        this.prefetch = Math.max(2, 2 * workers);
    }

    public int batchesPerEpoch() { return (data.size() + batchSize - 1) / batchSize; }
    public Dataset dataset() { return data; }

    /** The sample order of an epoch (1-based). */
    public int[] order(int epoch) {
        int n = data.size();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        if (shuffle) {
            Rng rng = new Rng(mix(seed, epoch, -1, 0));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i]; idx[i] = idx[j]; idx[j] = t;
            }
        }
        return idx;
    }

    static long mix(long seed, int epoch, int index, int view) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0xBF58476D1CE4E5B9L + index;
        h = h * 0x94D049BB133111EBL + view;
        return h ^ (h >>> 31);
    }

    /** The batches of one epoch, produced ahead by the workers. */
    public Iterator<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            private final ArrayDeque<Future<Batch>> queue = new ArrayDeque<>();
            private int submitted = 0, taken = 0;

            private void fill() {
                while (workers != null && submitted < batches && queue.size() < prefetch) {
                    int b = submitted++;
                    queue.add(workers.submit(() -> build(order, b, epoch)));
                }
            }

            @Override public boolean hasNext() { return taken < batches; }

            @Override public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                if (workers == null) return build(order, taken++, epoch);
                fill();
                try {
                    Batch b = queue.poll().get();
                    taken++;
                    fill();
                    return b;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading", e);
                }
            }
        };
    }

    private Batch build(int[] order, int b, int epoch) {
        int start = b * batchSize, n = Math.min(batchSize, order.length - start);
        int[] idx = java.util.Arrays.copyOfRange(order, start, start + n);
        float[] labels = new float[n];
        float[] w = null, s = null;
        int[] shape = null;
        for (int i = 0; i < n; i++) {
            Image im = data.image(idx[i]);
            labels[i] = data.label(idx[i]);
            Image wv = weak.transform().apply(im, new Rng(mix(seed, epoch, idx[i], 1)));
            if (w == null) {
                shape = new int[] {n, wv.channels(), wv.height(), wv.width()};
                w = new float[n * wv.channels() * wv.height() * wv.width()];
                if (strong != null) s = new float[w.length];
            }
            int per = w.length / n;
            check(wv, shape, idx[i]);
            weak.normalizeInto(wv, w, i * per);
            if (strong != null) {
                Image sv = strong.transform().apply(im, new Rng(mix(seed, epoch, idx[i], 2)));
                check(sv, shape, idx[i]);
                strong.normalizeInto(sv, s, i * per);
            }
        }
        return new Batch(Tensor.wrap(w, shape), s == null ? null : Tensor.wrap(s, shape), Tensor.wrap(labels, n), idx);
    }

    private void check(Image v, int[] shape, int index) {
        if (v.channels() != shape[1] || v.height() != shape[2] || v.width() != shape[3])
            throw new IllegalStateException(data.description() + ": sample " + index + " gives a " + v.height() + "x" + v.width() + "x"
                    + v.channels() + " view, the batch is " + shape[2] + "x" + shape[3] + "x" + shape[1] + " (add a resize/crop)");
    }

    @Override public void close() { if (workers != null) workers.shutdownNow(); }
}
