package org.crld4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Row-major SGEMM, {@code C = alpha * op(A) op(B) + beta * C}, in the BLIS layout: B is packed in
 * KC x NC blocks of NR-wide column panels, A in MC x KC blocks of MR-tall row panels, and an
 * MR x NR micro-kernel keeps its 4 x 2 vector accumulators in registers while it walks k (4 rows
 * divide every channel count of the zoo, so convolutions rarely hit the scalar edge path).
 * Register budget: AVX2 has 16 vector registers, and in this tile C2 issues all of a k step's A
 * broadcasts before the FMAs (accumulators + B vectors + MR broadcasts: 14, no spill); the 3-, 5-
 * and 6-row tiles measured were no faster (more instructions per FMA, or spills: BENCHMARKS.md).
 * A is broadcast straight from memory ({@code vbroadcastss ymm, m32}, a load, no shuffle), so an
 * A micro-panel is 4 x KC floats (8 KB), used by every B micro-panel of the block in turn (KC x
 * 16, 32 KB each, streamed from the B block: KC x NC, 2 MB, in L2 and L3).
 * On several threads a tall product runs as a team ({@link #team}: B blocks packed once and
 * shared, row blocks taken as threads come free); others split C into contiguous row slices (or
 * column slices when C is wide and short). Every element of C is summed in the same k order
 * whatever the thread count.
 *
 * <p>The tiles and layouts measured on the way to this one, and how to compare variants on this
 * machine, are in BENCHMARKS.md (SGEMM). The plain reference is
 * {@link org.crld4j.tensor.ReferenceBackend#referenceGemm}.
 */
public final class Sgemm {
    /**
     * The vector width {@link VectorWidth} chose at start-up; a {@code static final}, so C2 sees
     * the lane count and the tile sizes below as constants (read at run time they cost half the
     * speed: BENCHMARKS.md).
     */
    static final VectorSpecies<Float> SPECIES = VectorWidth.SPECIES;
    static final int L = SPECIES.length();
    /**
     * Micro-tile: MR rows x NR columns (two vectors). With 16 vector registers (SSE, AVX2) 4 rows:
     * 8 accumulators + 2 B vectors + 4 broadcasts. AVX-512 has 32 registers: 8 rows (16 + 2 + 8),
     * twice the FMAs per B load.
     */
    static final int MR = L >= 16 ? 8 : 4, NR = 2 * L;
    /**
     * Cache blocks: KC deep, MC rows of A, NC columns of B. Each k block ends in a pass over C
     * (loaded, added to, stored), so a deep KC pays: 512 measured 1.08x faster than 192 at 1024^3
     * (two k blocks instead of six), and no slower on the zoo's training steps (BENCHMARKS.md). NC
     * 1024 rather than 512 packs A once instead of twice for 1024 columns, which measured 3-5%
     * faster although the B block then overflows L2. KC sets where a product's k sum is split,
     * so changing it changes results in their last bits.
     */
    static final int KC = 512, MC = 128, NC = 1024;

    /**
     * Packed panels start this many floats into their buffers so that vector loads never straddle a
     * cache line (a split load takes two load slots). Heap arrays are only as aligned as the JVM's
     * object alignment, so the launchers run with {@code -XX:ObjectAlignmentInBytes=64}; without
     * it the pad is 0 and the kernel is correct but may be slower.
     */
    static final int PAD = Alignment.padFloats(SPECIES.vectorByteSize());

    /**
     * The k-block length for depth k: at most KC, and equal blocks (k = 600 is two blocks of 300,
     * not 512 + 88, whose second block would spend more on C traffic than on FMAs).
     */
    static int kcStep(int k) {
        int blocks = Math.max(1, (k + KC - 1) / KC);
        return (k + blocks - 1) / blocks;
    }

    private static final ThreadLocal<float[]> PACK_A = ThreadLocal.withInitial(() -> new float[MC * KC + PAD]);
    private static final ThreadLocal<float[]> PACK_B = ThreadLocal.withInitial(() -> new float[KC * NC + PAD]);
    private static final ThreadLocal<float[]> EDGE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private Sgemm() {}


    /** Work below this many multiply-adds is not worth waking the pool for. */
    private static final long PARALLEL_MIN_WORK = 1L << 18;

    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) { scale(c, cOff, ldc, m, n, beta); return; }
        boolean overwrite = beta == 0f; // the first k-block stores instead of adding: no zeroing pass
        if (!overwrite) scale(c, cOff, ldc, m, n, beta);
        long work = (long) m * n * k;
        int parts = work < PARALLEL_MIN_WORK ? 1 : Parallel.parts(Math.max(m / MR, n / NR));
        if (parts <= 1) {
            blocked(null, transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, overwrite);
            return;
        }
        boolean splitRows = (long) m * 2 >= n || n < parts * NR;
        if (splitRows && (m + MC - 1) / MC >= 2 * parts) {
            team(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, overwrite);
        } else if (splitRows) {
            int panels = (m + MR - 1) / MR;
            Parallel.forRange(panels, (p, s, e) -> {
                int r0 = s * MR, r1 = Math.min(m, e * MR);
                if (r1 > r0) blocked(null, transA, transB, r0, r1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, overwrite);
            });
        } else {
            int panels = (n + NR - 1) / NR;
            Parallel.forRange(panels, (p, s, e) -> {
                int c0 = s * NR, c1 = Math.min(n, e * NR);
                if (c1 > c0) blocked(null, transA, transB, 0, m, c0, c1, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, overwrite);
            });
        }
    }

    /**
     * op(A) packed once for many products with different B, e.g. a convolution's weights across
     * the images of a batch: packing A costs as much as a small product, so it is done per call,
     * not per image.
     */
    public static final class PackedA {
        final int m, k;
        private final float[][] blocks;
        private final int icBlocks;

        private PackedA(int m, int k, float[][] blocks, int icBlocks) {
            this.m = m; this.k = k; this.blocks = blocks; this.icBlocks = icBlocks;
        }

        float[] block(int pc, int ic) { return blocks[(pc / kcStep(k)) * icBlocks + ic / MC]; }
        public int rows() { return m; }
        public int depth() { return k; }
    }

    /** Packs op(A) ([m, k]; stored [k, m] when transA) into cache blocks. */
    public static PackedA pack(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        int step = kcStep(k), icBlocks = (m + MC - 1) / MC, pcBlocks = (k + step - 1) / step;
        float[][] blocks = new float[Math.max(1, icBlocks * pcBlocks)][];
        for (int pc = 0; pc < k; pc += step) {
            int kc = Math.min(step, k - pc);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                float[] buf = new float[((mc + MR - 1) / MR) * MR * kc + PAD];
                packA(transA, a, aOff, lda, ic, pc, mc, kc, buf, PAD);
                blocks[(pc / step) * icBlocks + ic / MC] = buf;
            }
        }
        return new PackedA(m, k, blocks, icBlocks);
    }

    /** C = alpha * A op(B) + beta * C with A pre-packed; splits columns over the pool when not already inside a parallel region. */
    public static void gemm(PackedA a, boolean transB, int n, float alpha, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        int m = a.m, k = a.k;
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) { scale(c, cOff, ldc, m, n, beta); return; }
        boolean overwrite = beta == 0f;
        if (!overwrite) scale(c, cOff, ldc, m, n, beta);
        int parts = (long) m * n * k < PARALLEL_MIN_WORK ? 1 : Parallel.parts(n / NR);
        if (parts <= 1) {
            blocked(a, false, transB, 0, m, 0, n, k, alpha, null, 0, 0, b, bOff, ldb, c, cOff, ldc, overwrite);
            return;
        }
        int panels = (n + NR - 1) / NR;
        Parallel.forRange(panels, (p, s0, e0) -> {
            int c0 = s0 * NR, c1 = Math.min(n, e0 * NR);
            if (c1 > c0) blocked(a, false, transB, 0, m, c0, c1, k, alpha, null, 0, 0, b, bOff, ldb, c, cOff, ldc, overwrite);
        });
    }

    private static void scale(float[] c, int cOff, int ldc, int m, int n, float beta) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, row, row + n, 0f);
            else for (int j = 0; j < n; j++) c[row + j] *= beta;
        }
    }

    /**
     * Sequential blocked GEMM on rows [i0, i1) and columns [j0, j1) of C; with {@code packed}
     * non-null, A's blocks come ready-packed (rows [0, m), i0 = 0, i1 = m). With {@code overwrite}
     * the first k-block stores its products into C instead of adding them (beta = 0).
     */
    private static void blocked(PackedA packed, boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean overwrite) {
        float[] bp = PACK_B.get();
        float[] ap = packed == null ? PACK_A.get() : null;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            int step = kcStep(k);
            for (int pc = 0; pc < k; pc += step) {
                int kc = Math.min(step, k - pc);
                boolean store = overwrite && pc == 0;
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp, PAD);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    if (packed == null) packA(transA, a, aOff, lda, ic, pc, mc, kc, ap, PAD);
                    else ap = packed.block(pc, ic);
                    tiles(mc, nc, kc, ap, bp, alpha, c, cOff + ic * ldc + jc, ldc, store);
                }
            }
        }
    }

    /** The micro-tiles of an mc x nc block of C (its first element at {@code blockAt}) from packed A and B blocks. */
    private static void tiles(int mc, int nc, int kc, float[] ap, float[] bp, float alpha, float[] c, int blockAt, int ldc, boolean store) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            for (int jr = 0; jr < nc; jr += NR) {
                int cols = Math.min(NR, nc - jr);
                int cAt = blockAt + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    tile(kc, ap, PAD + ir * kc, bp, PAD + jr * kc, alpha, c, cAt, ldc, store);
                } else {
                    float[] edge = EDGE.get();
                    tile(kc, ap, PAD + ir * kc, bp, PAD + jr * kc, alpha, edge, 0, NR, true);
                    for (int r = 0; r < rows; r++) {
                        int row = cAt + r * ldc;
                        if (store) System.arraycopy(edge, r * NR, c, row, cols);
                        else for (int q = 0; q < cols; q++) c[row + q] += edge[r * NR + q];
                    }
                }
            }
        }
    }

    private static final ThreadLocal<float[][]> SHARED_B = ThreadLocal.withInitial(() -> new float[][] {new float[KC * NC + PAD], new float[KC * NC + PAD]});
    /** NR-wide B panels a team member packs at a time. */
    private static final int PACK_CHUNK = 4;

    /**
     * The product on the thread pool as a team. Each phase (a block of NC columns, a block of kc
     * depth) packs its B block once, the members taking chunks of it, into one of two buffers they
     * share (the next phase packs into the other while this one finishes); then the members take
     * MC-row blocks of A as they come free, so a thread that the host slows down simply does fewer.
     * Waits are only ever for work another member has claimed and is doing, on an earlier phase (or
     * this phase's packing), so a member that starts late or never costs time, not correctness.
     * Every C tile is computed by one thread in the single-threaded k order, its first k block
     * stored before the next is added: the result does not depend on who ran what.
     */
    static void team(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean overwrite) {
        Team team = new Team(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, overwrite);
        Parallel.forRange(Parallel.threads(), (member, s, e) -> team.member());
    }

    /** One {@link #team} product: its arguments, the shared B buffers, and the work counters of each phase. */
    private static final class Team {
        final boolean transA, transB, overwrite;
        final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, step, pcBlocks, phases, rowBlocks;
        final float alpha;
        final float[] a, b, c;
        final float[][] shared = SHARED_B.get();
        final AtomicIntegerArray packNext, packDone, rowNext, rowsDone, blockDone;
        /** Set by a member that throws (bad arguments), so that the others stop waiting for its work. */
        final AtomicBoolean failed = new AtomicBoolean();

        Team(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean overwrite) {
            this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k; this.alpha = alpha;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.overwrite = overwrite;
            step = kcStep(k);
            pcBlocks = (k + step - 1) / step;
            phases = ((n + NC - 1) / NC) * pcBlocks;
            rowBlocks = (m + MC - 1) / MC;
            packNext = new AtomicIntegerArray(phases);
            packDone = new AtomicIntegerArray(phases);
            rowNext = new AtomicIntegerArray(phases);
            rowsDone = new AtomicIntegerArray(phases);
            blockDone = new AtomicIntegerArray(phases * rowBlocks);
        }

        void member() {
            try {
                walk();
            } catch (RuntimeException | Error x) {
                failed.set(true);
                throw x;
            }
        }

        /** The phases in order; returns early once another member has failed. */
        private void walk() {
            float[] ap = PACK_A.get();
            for (int ph = 0; ph < phases; ph++) {
                int jc = (ph / pcBlocks) * NC, pc = (ph % pcBlocks) * step;
                int nc = Math.min(NC, n - jc), kc = Math.min(step, k - pc);
                int chunks = ((nc + NR - 1) / NR + PACK_CHUNK - 1) / PACK_CHUNK;
                float[] bp = shared[ph & 1];
                if (ph >= 2 && !await(rowsDone, ph - 2, rowBlocks)) return; // the buffer's last phase is done with it
                for (int ch; (ch = packNext.getAndIncrement(ph)) < chunks; ) {
                    int j0 = ch * PACK_CHUNK * NR, j1 = Math.min(nc, j0 + PACK_CHUNK * NR);
                    packB(transB, b, bOff, ldb, pc, jc + j0, kc, j1 - j0, bp, PAD + j0 * kc);
                    packDone.incrementAndGet(ph);
                }
                if (!await(packDone, ph, chunks)) return;
                boolean store = overwrite && pc == 0;
                for (int rb; (rb = rowNext.getAndIncrement(ph)) < rowBlocks; ) {
                    if (pc > 0 && !await(blockDone, (ph - 1) * rowBlocks + rb, 1)) return; // this block's earlier k
                    int ic = rb * MC, mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, ap, PAD);
                    tiles(mc, nc, kc, ap, bp, alpha, c, cOff + ic * ldc + jc, ldc, store);
                    blockDone.set(ph * rowBlocks + rb, 1);
                    rowsDone.incrementAndGet(ph);
                }
            }
        }

        /** Spins (yielding after a while) until counter i reaches target; false if a member failed meanwhile. */
        private boolean await(AtomicIntegerArray counters, int i, int target) {
            for (int spins = 0; counters.get(i) < target; spins++) {
                if (failed.get()) return false;
                if (spins < 1 << 12) Thread.onSpinWait();
                else Thread.yield();
            }
            return true;
        }
    }

    /**
     * Packs A[ic..ic+mc, pc..pc+kc] as MR-row panels, zero-padded; inside a panel the layout is
     * [k][row]. Full panels copy without a test per element, reading A in its own order: for a
     * transposed A k row by k row (MR consecutive floats each); otherwise, on 256-bit vectors with
     * 4-row panels, 4 x 8 blocks transposed in registers ({@link #packRows4x8}), else row by row
     * (stores MR floats apart). BENCHMARKS.md has the times.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap, int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = apOff + ir * kc;
            int rows = Math.min(MR, mc - ir);
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * MR;
                    for (int r = 0; r < MR; r++, dst++) {
                        ap[dst] = r >= rows ? 0f
                                : transA ? a[aOff + (pc + p) * lda + ic + ir + r] : a[aOff + (ic + ir + r) * lda + pc + p];
                    }
                }
            } else if (transA) {
                for (int p = 0, src = aOff + pc * lda + ic + ir, dst = base; p < kc; p++, src += lda, dst += MR)
                    for (int r = 0; r < MR; r++) ap[dst + r] = a[src + r];
            } else if (MR == 4 && L == 8) {
                packRows4x8(a, aOff + (ic + ir) * lda + pc, lda, kc, ap, base);
            } else {
                for (int r = 0; r < MR; r++)
                    for (int p = 0, src = aOff + (ic + ir + r) * lda + pc, dst = base + r; p < kc; p++, dst += MR) ap[dst] = a[src + p];
            }
        }
    }

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    /** Lanes (0, 1) and (4, 5) of two vectors interleaved, and lanes (2, 3), (6, 7): unpcklps / unpckhps. */
    private static final VectorShuffle<Float> PAIRS_LO = VectorShuffle.fromValues(F8, 0, 8, 1, 9, 4, 12, 5, 13),
            PAIRS_HI = VectorShuffle.fromValues(F8, 2, 10, 3, 11, 6, 14, 7, 15);
    /** 64-bit lanes (0, 1) of two vectors interleaved, and lanes (2, 3). */
    private static final VectorShuffle<Double> QUADS_LO = VectorShuffle.fromValues(D4, 0, 4, 1, 5),
            QUADS_HI = VectorShuffle.fromValues(D4, 2, 6, 3, 7);

    /**
     * One 4-row panel of a row-major A (row r at {@code src + r * lda}, kc columns) into [k][row]
     * order at {@code dst}: 4 x 8 blocks loaded as four row vectors and stored as four [k][row]
     * vectors, instead of a scalar store per element MR floats apart (a 1024 x 1024 A from outside
     * the caches in 0.79 ms instead of 1.54; 5% of a training step). Until C2 compiles it the
     * Vector API runs as plain Java objects: about a second once per JVM (BENCHMARKS.md).
     */
    private static void packRows4x8(float[] a, int src, int lda, int kc, float[] ap, int dst) {
        int r1 = src + lda, r2 = r1 + lda, r3 = r2 + lda, p = 0;
        for (; p + 8 <= kc; p += 8, dst += 32) {
            FloatVector x0 = FloatVector.fromArray(F8, a, src + p), x1 = FloatVector.fromArray(F8, a, r1 + p);
            FloatVector x2 = FloatVector.fromArray(F8, a, r2 + p), x3 = FloatVector.fromArray(F8, a, r3 + p);
            // rows (0, 1) and (2, 3) paired per k: k 0, 1, 4, 5 in the LO vectors, 2, 3, 6, 7 in the HI ones
            DoubleVector lo01 = x0.rearrange(PAIRS_LO, x1).reinterpretAsDoubles(), hi01 = x0.rearrange(PAIRS_HI, x1).reinterpretAsDoubles();
            DoubleVector lo23 = x2.rearrange(PAIRS_LO, x3).reinterpretAsDoubles(), hi23 = x2.rearrange(PAIRS_HI, x3).reinterpretAsDoubles();
            lo01.rearrange(QUADS_LO, lo23).reinterpretAsFloats().intoArray(ap, dst);      // k 0, 1
            hi01.rearrange(QUADS_LO, hi23).reinterpretAsFloats().intoArray(ap, dst + 8);  // k 2, 3
            lo01.rearrange(QUADS_HI, lo23).reinterpretAsFloats().intoArray(ap, dst + 16); // k 4, 5
            hi01.rearrange(QUADS_HI, hi23).reinterpretAsFloats().intoArray(ap, dst + 24); // k 6, 7
        }
        for (; p < kc; p++, dst += 4) {
            ap[dst] = a[src + p]; ap[dst + 1] = a[r1 + p]; ap[dst + 2] = a[r2 + p]; ap[dst + 3] = a[r3 + p];
        }
    }

    /**
     * Packs B[pc..pc+kc, jc..jc+nc] as NR-column panels, k-major inside a panel, zero-padded. The
     * full panels of a row-major B are filled k row by k row, reading each row of B once in order
     * (panel by panel, B's rows were read kc times 64 bytes apart: 1.60 ms for 1024 x 1024 from
     * outside the caches, against 0.84).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp, int bpOff) {
        int full = transB ? 0 : nc / NR * NR;
        for (int p = 0; full > 0 && p < kc; p++) {
            int src = bOff + (pc + p) * ldb + jc;
            for (int jr = 0, dst = bpOff + p * NR; jr < full; jr += NR, dst += kc * NR) {
                FloatVector.fromArray(SPECIES, b, src + jr).intoArray(bp, dst);
                FloatVector.fromArray(SPECIES, b, src + jr + L).intoArray(bp, dst + L);
            }
        }
        for (int jr = full; jr < nc; jr += NR) {
            int base = bpOff + jr * kc;
            int cols = Math.min(NR, nc - jr);
            if (!transB) { // the last, partial panel
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr, dst = base + p * NR;
                    for (int q = 0; q < cols; q++) bp[dst + q] = b[src + q];
                    for (int q = cols; q < NR; q++) bp[dst + q] = 0f;
                }
            } else {
                for (int q = 0; q < NR; q++) {
                    if (q >= cols) {
                        for (int p = 0; p < kc; p++) bp[base + p * NR + q] = 0f;
                    } else {
                        int src = bOff + (jc + jr + q) * ldb + pc;
                        for (int p = 0; p < kc; p++) bp[base + p * NR + q] = b[src + p];
                    }
                }
            }
        }
    }

    /** The micro-kernel of this width: MR is a constant, so C2 keeps one of the two. */
    private static void tile(int kc, float[] ap, int ao, float[] bp, int bo, float alpha, float[] c, int cAt, int ldc, boolean store) {
        if (MR == 8) {
            kernel8(kc, ap, ao, bp, bo, alpha, c, cAt, ldc, store);
        } else {
            kernel(kc, ap, ao, bp, bo, alpha, c, cAt, ldc, store);
        }
    }

    /** C[4 x NR] += alpha * Apanel[4 x kc] * Bpanel[kc x NR]: eight vector accumulators, 2 loads and 4 memory broadcasts per 8 FMAs. */
    static void kernel(int kc, float[] ap, int ao, float[] bp, int bo, float alpha, float[] c, int cAt, int ldc, boolean store) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        // The panels' indices advance by their strides rather than being computed from p: three
        // scalar instructions fewer per k step (BENCHMARKS.md, SGEMM), which the front end needs.
        for (int ai = ao, bi = bo, end = ao + kc * MR; ai < end; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
        }
        if (alpha != 1f) {
            c00 = c00.mul(alpha); c01 = c01.mul(alpha); c10 = c10.mul(alpha); c11 = c11.mul(alpha);
            c20 = c20.mul(alpha); c21 = c21.mul(alpha); c30 = c30.mul(alpha); c31 = c31.mul(alpha);
        }
        int r1 = cAt + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (store) {
            c00.intoArray(c, cAt); c01.intoArray(c, cAt + L);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
            return;
        }
        FloatVector.fromArray(SPECIES, c, cAt).add(c00).intoArray(c, cAt);
        FloatVector.fromArray(SPECIES, c, cAt + L).add(c01).intoArray(c, cAt + L);
        FloatVector.fromArray(SPECIES, c, r1).add(c10).intoArray(c, r1);
        FloatVector.fromArray(SPECIES, c, r1 + L).add(c11).intoArray(c, r1 + L);
        FloatVector.fromArray(SPECIES, c, r2).add(c20).intoArray(c, r2);
        FloatVector.fromArray(SPECIES, c, r2 + L).add(c21).intoArray(c, r2 + L);
        FloatVector.fromArray(SPECIES, c, r3).add(c30).intoArray(c, r3);
        FloatVector.fromArray(SPECIES, c, r3 + L).add(c31).intoArray(c, r3 + L);
    }

    /** C[8 x NR] += alpha * Apanel[8 x kc] * Bpanel[kc x NR] (MR = 8, AVX-512): sixteen accumulators, 2 loads and 8 broadcasts per 16 FMAs. */
    static void kernel8(int kc, float[] ap, int ao, float[] bp, int bo, float alpha, float[] c, int cAt, int ldc, boolean store) {
        FloatVector c00 = FloatVector.zero(SPECIES), c01 = FloatVector.zero(SPECIES);
        FloatVector c10 = FloatVector.zero(SPECIES), c11 = FloatVector.zero(SPECIES);
        FloatVector c20 = FloatVector.zero(SPECIES), c21 = FloatVector.zero(SPECIES);
        FloatVector c30 = FloatVector.zero(SPECIES), c31 = FloatVector.zero(SPECIES);
        FloatVector c40 = FloatVector.zero(SPECIES), c41 = FloatVector.zero(SPECIES);
        FloatVector c50 = FloatVector.zero(SPECIES), c51 = FloatVector.zero(SPECIES);
        FloatVector c60 = FloatVector.zero(SPECIES), c61 = FloatVector.zero(SPECIES);
        FloatVector c70 = FloatVector.zero(SPECIES), c71 = FloatVector.zero(SPECIES);
        for (int ai = ao, bi = bo, end = ao + kc * MR; ai < end; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + L);
            FloatVector av = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = b0.fma(av, c00); c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = b0.fma(av, c10); c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = b0.fma(av, c20); c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = b0.fma(av, c30); c31 = b1.fma(av, c31);
            av = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = b0.fma(av, c40); c41 = b1.fma(av, c41);
            av = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = b0.fma(av, c50); c51 = b1.fma(av, c51);
            av = FloatVector.broadcast(SPECIES, ap[ai + 6]);
            c60 = b0.fma(av, c60); c61 = b1.fma(av, c61);
            av = FloatVector.broadcast(SPECIES, ap[ai + 7]);
            c70 = b0.fma(av, c70); c71 = b1.fma(av, c71);
        }
        int r = cAt;
        storeRow(c, r, c00, c01, alpha, store);
        storeRow(c, r += ldc, c10, c11, alpha, store);
        storeRow(c, r += ldc, c20, c21, alpha, store);
        storeRow(c, r += ldc, c30, c31, alpha, store);
        storeRow(c, r += ldc, c40, c41, alpha, store);
        storeRow(c, r += ldc, c50, c51, alpha, store);
        storeRow(c, r += ldc, c60, c61, alpha, store);
        storeRow(c, r + ldc, c70, c71, alpha, store);
    }

    /** One row of a tile into C at {@code at}: scaled by alpha, then stored or added (kernel's order of operations). */
    private static void storeRow(float[] c, int at, FloatVector v0, FloatVector v1, float alpha, boolean store) {
        if (alpha != 1f) { v0 = v0.mul(alpha); v1 = v1.mul(alpha); }
        if (!store) {
            v0 = FloatVector.fromArray(SPECIES, c, at).add(v0);
            v1 = FloatVector.fromArray(SPECIES, c, at + L).add(v1);
        }
        v0.intoArray(c, at);
        v1.intoArray(c, at + L);
    }

}
