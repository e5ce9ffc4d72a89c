package org.crld4j.kernels;

import org.crld4j.tensor.ops.ConvParams;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2016):
 * each 2x2 block of outputs (a tile) is computed from its 4x4 input window with 16 multiplies
 * per channel pair instead of 36, so the products do 2.25x fewer multiply-adds than im2col + SGEMM.
 *
 * <p>Shapes: x [N, C, H, W], weight [K, C, 3, 3], y [N, K, OH, OW]; TH x TW tiles per image,
 * TH = ceil(OH / 2). A thread takes a range of images and walks its tile rows in chunks:
 * <pre>
 *   U[xi] = (G g G^T)[xi]     [K, C]   16 matrices, built once per call
 *   V[xi] = (B^T d B)[xi]     [C, T']  input transform of each tile's window d (T' tiles of the chunk)
 *   M[xi] = U[xi] V[xi]       [K, T']  16 SGEMMs
 *   y     = A^T m A           2x2 per tile and filter, clipped at odd edges
 * </pre>
 * Both transforms run on vectors of L neighbouring tiles (8 at 256 bits, 16 at 512). A tile's window starts at an even
 * column, so the input rows are first split into even and odd columns (E[m] = row[2m - pad],
 * O[m] = row[2m + 1 - pad]); a tile's four columns are then E[m], O[m], E[m+1], O[m+1], all
 * unit-stride loads. The output transform interleaves its even and odd columns back the same way.
 *
 * <p>The weight gradient is the same construction turned around, F(3x3, 2x2): each tile's 2x2
 * block of dy plays the filter and the 3x3 gradient the output, so P[xi] = sum over tiles of
 * E[xi] V[xi]^T [K, C] (E the transformed dy tiles) and dw = A'^T P A' once at the end; the
 * products contract over the tiles, a deep dimension, which SGEMM likes.
 *
 * <p>A forward output is summed in an order fixed by C alone (SGEMM's k-blocks), whatever the
 * chunking or thread count; the weight gradient, like the im2col path's, sums one partial per
 * thread range in a fixed order, so it depends on the thread count only. Rounding differs from
 * direct convolution by a few ulps of the larger terms (the transforms add and subtract before
 * multiplying; `scripts/winograd_error.py` measures it); {@link org.crld4j.tensor.host.ReferenceConv2d} is the yardstick
 * in the tests.
 */
final class Winograd {
    private Winograd() {}

    private static final VectorSpecies<Float> SPECIES = Sgemm.SPECIES;
    private static final int L = Sgemm.L;

    /** Below this many channels or filters the products are too thin to pay for the transforms. */
    static final int MIN_CHANNELS = 16;
    /** Floats of V and M per chunk: 2^16 to 2^18 measured alike on resnet8x4's layers, 2^15 much slower (thin products). */
    static final int CHUNK_FLOATS = 1 << 17;
    /**
     * Floats between consecutive planes of V and M beyond the data: the 16 planes are written and
     * read together, and at a power-of-two stride they would all fall in the same L1 sets. Also
     * the slack for a vector that runs past the last tile of a chunk.
     */
    static final int PLANE_PAD = 2 * L;

    /** Per thread: V, M, the split input rows, and the output transform's four result rows. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[4][0]);

    /** Whether F(2x2, 3x3) computes this convolution: 3x3, stride 1, undilated, ungrouped, padding <= 2, enough channels. */
    static boolean applies(ConvParams.Geometry g) {
        ConvParams p = g.p();
        return g.r() == 3 && g.s() == 3 && p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1
                && p.dilH() == 1 && p.dilW() == 1 && p.padH() <= 2 && p.padW() <= 2
                && g.c() >= MIN_CHANNELS && g.k() >= MIN_CHANNELS;
    }

    /** U = G g G^T for every filter and channel, as 16 packed [K, C] matrices. */
    static Sgemm.PackedA[] transformWeights(float[] w, int wOff, int k, int c) {
        float[] u = new float[16 * k * c];
        int plane = k * c;
        double[] gg = new double[12];
        for (int kk = 0; kk < k; kk++) {
            for (int cc = 0; cc < c; cc++) {
                int src = wOff + (kk * c + cc) * 9, dst = kk * c + cc;
                // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 (in double, rounded once)
                for (int col = 0; col < 3; col++) {
                    double g0 = w[src + col], g1 = w[src + 3 + col], g2 = w[src + 6 + col];
                    gg[col] = g0;
                    gg[3 + col] = (g0 + g1 + g2) * 0.5;
                    gg[6 + col] = (g0 - g1 + g2) * 0.5;
                    gg[9 + col] = g2;
                }
                for (int row = 0; row < 4; row++) { // (G g) G^T
                    double a0 = gg[row * 3], a1 = gg[row * 3 + 1], a2 = gg[row * 3 + 2];
                    u[(row * 4) * plane + dst] = (float) a0;
                    u[(row * 4 + 1) * plane + dst] = (float) ((a0 + a1 + a2) * 0.5);
                    u[(row * 4 + 2) * plane + dst] = (float) ((a0 - a1 + a2) * 0.5);
                    u[(row * 4 + 3) * plane + dst] = (float) a2;
                }
            }
        }
        Sgemm.PackedA[] packed = new Sgemm.PackedA[16];
        for (int xi = 0; xi < 16; xi++) packed[xi] = Sgemm.pack(false, k, c, u, xi * plane, c);
        return packed;
    }

    /** TH and TW: tiles of 2x2 outputs down and across one image (the last ones clipped at odd sizes). */
    static int tilesDown(ConvParams.Geometry g) { return (g.oh() + 1) / 2; }

    static int tilesAcross(ConvParams.Geometry g) { return (g.ow() + 1) / 2; }

    /** Tile rows per chunk: V and M together near {@link #CHUNK_FLOATS}. */
    static int chunkRows(ConvParams.Geometry g) {
        int tw = tilesAcross(g);
        return Math.max(1, CHUNK_FLOATS / (16 * (g.c() + g.k()) * tw));
    }

    /**
     * y = conv(x, w) for images [n0, n1), with bias and epilogue applied to each image once its last
     * tile is written (while it is still in cache).
     */
    static void forward(float[] x, Sgemm.PackedA[] u, float[] y, ConvParams.Geometry g, int n0, int n1,
                        float[] bias, ConvEpilogue epilogue) {
        int c = g.c(), k = g.k(), th = tilesDown(g), tw = tilesAcross(g);
        int chunk = chunkRows(g), ld = chunk * tw, tileRows = (n1 - n0) * th;
        int vPlane = c * ld + PLANE_PAD, mPlane = k * ld + PLANE_PAD, width = splitWidth(tw);
        float[][] buf = BUFFERS.get();
        float[] v = grow(buf, 0, 16 * vPlane), m = grow(buf, 1, 16 * mPlane);
        float[] split = grow(buf, 2, 2 * (2 * chunk + 2) * width), out = grow(buf, 3, 4 * width);
        int finished = n0;
        for (int r0 = 0; r0 < tileRows; r0 += chunk) {
            int rows = Math.min(chunk, tileRows - r0), count = rows * tw;
            inputTransform(x, g, n0, r0, rows, split, width, v, ld, vPlane);
            for (int xi = 0; xi < 16; xi++)
                Sgemm.gemm(u[xi], false, count, 1f, v, xi * vPlane, ld, 0f, m, xi * mPlane, ld);
            outputTransform(m, g, n0, r0, rows, out, width, y, ld, mPlane);
            for (int done = n0 + (r0 + rows) / th; finished < done; finished++) {
                if (bias != null) Conv2d.addBias(y, finished * k * g.ohw(), bias, k, g.ohw());
                if (epilogue != null) epilogue.apply(y, finished, k, g.ohw());
            }
        }
    }

    private static float[] grow(float[][] buf, int i, int size) {
        if (buf[i].length < size) buf[i] = new float[size];
        return buf[i];
    }

    /** Length of a split row: m in [0, TW], read by whole vectors at m and m + 1. */
    private static int splitWidth(int tw) {
        return (tw + L - 1) / L * L + L;
    }

    /**
     * V[xi][c][j] = (B^T d B)[xi] for the chunk's tile rows [r0, r0 + rows) (counted from image n0),
     * tile j = (row - r0) * TW + column. Vectors may run past a row's last tile: those lanes are
     * overwritten by the next row, or land beyond the chunk's tiles, which the products ignore.
     */
    private static void inputTransform(float[] x, ConvParams.Geometry g, int n0, int r0, int rows,
                                       float[] split, int width, float[] v, int ld, int plane) {
        int c = g.c(), hw = g.h() * g.w(), th = tilesDown(g), tw = tilesAcross(g);
        for (int cc = 0; cc < c; cc++) {
            for (int r = r0; r < r0 + rows; ) { // one image's run of tile rows at a time
                int n = n0 + r / th, ty0 = r % th, ty1 = Math.min(th, ty0 + r0 + rows - r);
                splitRows(x, (n * c + cc) * hw, g, 2 * ty0 - g.p().padH(), 2 * (ty1 - ty0) + 2, tw, split, width);
                for (int ty = ty0; ty < ty1; ty++)
                    transformInputRow(split, 2 * (ty - ty0) * 2 * width, width, tw, v, cc * ld + (r - r0 + ty - ty0) * tw, plane);
                r += ty1 - ty0;
            }
        }
    }

    /** Input rows [iy0, iy0 + count) of one channel plane, as even and odd columns (zero outside the image). */
    private static void splitRows(float[] x, int planeOff, ConvParams.Geometry g, int iy0, int count, int tw,
                                  float[] split, int width) {
        int h = g.h(), w = g.w(), pw = g.p().padW();
        for (int i = 0; i < count; i++) {
            int even = 2 * i * width, odd = even + width, iy = iy0 + i;
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(split, even, even + 2 * width, 0f);
                continue;
            }
            int row = planeOff + iy * w;
            for (int mm = 0; mm <= tw; mm++) {
                int xe = 2 * mm - pw, xo = xe + 1;
                split[even + mm] = xe >= 0 && xe < w ? x[row + xe] : 0f;
                split[odd + mm] = xo >= 0 && xo < w ? x[row + xo] : 0f;
            }
        }
    }

    /**
     * One tile row: B^T d B with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: d's rows combined
     * first (d0 - d2, d1 + d2, d2 - d1, d1 - d3), then each result's columns the same way; element
     * xi = 4 * row + column goes to v[at + xi * plane + tile]. One combined row per call keeps each
     * compiled loop small enough for C2 to inline every vector operation (a single loop for all
     * four hit its node limit, and vectors passed to a call that was not inlined are boxed).
     */
    private static void transformInputRow(float[] s, int base, int width, int tw, float[] v, int at, int plane) {
        int d0 = base, d1 = base + 2 * width, d2 = base + 4 * width, d3 = base + 6 * width;
        combinedRow(s, d0, d2, -1f, width, tw, v, at, plane);
        combinedRow(s, d1, d2, 1f, width, tw, v, at + 4 * plane, plane);
        combinedRow(s, d2, d1, -1f, width, tw, v, at + 8 * plane, plane);
        combinedRow(s, d1, d3, -1f, width, tw, v, at + 12 * plane, plane);
    }

    /**
     * Row a = dP + sign * dQ (split rows: even columns at p, odd at p + width), then its columns
     * a0 - a2, a1 + a2, a2 - a1, a1 - a3 to four planes, where a0..a3 = E[m], O[m], E[m+1], O[m+1].
     * (q * sign + p with sign = +-1 is exact: the same as the add or subtract.)
     */
    private static void combinedRow(float[] s, int p, int q, float sign, int width, int tw, float[] v, int at, int plane) {
        FloatVector sg = FloatVector.broadcast(SPECIES, sign);
        for (int mm = 0; mm < tw; mm += L, at += L) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, s, q + mm).fma(sg, FloatVector.fromArray(SPECIES, s, p + mm));
            FloatVector a1 = FloatVector.fromArray(SPECIES, s, q + width + mm).fma(sg, FloatVector.fromArray(SPECIES, s, p + width + mm));
            FloatVector a2 = FloatVector.fromArray(SPECIES, s, q + mm + 1).fma(sg, FloatVector.fromArray(SPECIES, s, p + mm + 1));
            FloatVector a3 = FloatVector.fromArray(SPECIES, s, q + width + mm + 1).fma(sg, FloatVector.fromArray(SPECIES, s, p + width + mm + 1));
            a0.sub(a2).intoArray(v, at);
            a1.add(a2).intoArray(v, at + plane);
            a2.sub(a1).intoArray(v, at + 2 * plane);
            a1.sub(a3).intoArray(v, at + 3 * plane);
        }
    }

    private static FloatVector load(float[] a, int i) { return FloatVector.fromArray(SPECIES, a, i); }

    /**
     * y = A^T m A with A^T = [1 1 1 0; 0 1 -1 -1] for the chunk's tile rows and every filter: rows of
     * m combined first (m0 + m1 + m2, m1 - m2 - m3), then columns; even and odd output columns are
     * computed as vectors and interleaved into y; odd edges clipped.
     */
    private static void outputTransform(float[] m, ConvParams.Geometry g, int n0, int r0, int rows, float[] out, int width,
                                        float[] y, int ld, int plane) {
        int k = g.k(), oh = g.oh(), ow = g.ow(), ohw = oh * ow, th = tilesDown(g), tw = tilesAcross(g);
        for (int kk = 0; kk < k; kk++) {
            for (int r = r0; r < r0 + rows; r++) {
                int n = n0 + r / th, oy = 2 * (r % th), s = kk * ld + (r - r0) * tw;
                for (int mm = 0; mm < tw; mm += L) {
                    int a = s + mm;
                    FloatVector m1 = load(m, a + 4 * plane), m2 = load(m, a + 8 * plane);
                    FloatVector r0c0 = load(m, a).add(m1).add(m2), r1c0 = m1.sub(m2).sub(load(m, a + 12 * plane));
                    m1 = load(m, a + 5 * plane); m2 = load(m, a + 9 * plane);
                    FloatVector r0c1 = load(m, a + plane).add(m1).add(m2), r1c1 = m1.sub(m2).sub(load(m, a + 13 * plane));
                    m1 = load(m, a + 6 * plane); m2 = load(m, a + 10 * plane);
                    FloatVector r0c2 = load(m, a + 2 * plane).add(m1).add(m2), r1c2 = m1.sub(m2).sub(load(m, a + 14 * plane));
                    m1 = load(m, a + 7 * plane); m2 = load(m, a + 11 * plane);
                    FloatVector r0c3 = load(m, a + 3 * plane).add(m1).add(m2), r1c3 = m1.sub(m2).sub(load(m, a + 15 * plane));
                    r0c0.add(r0c1).add(r0c2).intoArray(out, mm);
                    r0c1.sub(r0c2).sub(r0c3).intoArray(out, width + mm);
                    r1c0.add(r1c1).add(r1c2).intoArray(out, 2 * width + mm);
                    r1c1.sub(r1c2).sub(r1c3).intoArray(out, 3 * width + mm);
                }
                int o = (n * k + kk) * ohw + oy * ow;
                interleave(out, 0, width, y, o, ow);
                if (oy + 1 < oh) interleave(out, 2 * width, 3 * width, y, o + ow, ow);
            }
        }
    }

    /** y[o + 2t] = out[even + t], y[o + 2t + 1] = out[odd + t], for an output row of ow. */
    private static void interleave(float[] out, int even, int odd, float[] y, int o, int ow) {
        int pairs = ow / 2;
        for (int t = 0; t < pairs; t++) {
            y[o + 2 * t] = out[even + t];
            y[o + 2 * t + 1] = out[odd + t];
        }
        if ((ow & 1) != 0) y[o + ow - 1] = out[even + pairs];
    }

    // ---- weight gradient: F(3x3, 2x2), the 2x2 tiles of dy as the "filter", the 3x3 gradient as the output ----

    /** Floats of V and E per weight-gradient chunk: large, since the tiles are the products' depth. */
    static final int WEIGHT_CHUNK_FLOATS = 1 << 19;

    /**
     * dL/dw[k, c] = sum over tiles of the correlation of the tile's 4x4 input window with its 2x2
     * block of dy. Per chunk: V as in the forward pass, E[xi] = (G' e G'^T)[xi] [K, T'] for each
     * dy tile e with G' = [1 0; 1 1; 1 -1; 0 -1] (the halves of F(3x3, 2x2)'s G are applied at the
     * end, exactly), and P[xi] += E[xi] V[xi]^T. Adds images [n0, n1) into p [16, K, C].
     */
    static void backwardWeight(float[] x, float[] dy, ConvParams.Geometry g, int n0, int n1, float[] p) {
        int c = g.c(), k = g.k(), th = tilesDown(g), tw = tilesAcross(g);
        int chunk = Math.max(1, WEIGHT_CHUNK_FLOATS / (16 * (c + k) * tw)), ld = chunk * tw, tileRows = (n1 - n0) * th;
        int vPlane = c * ld + PLANE_PAD, ePlane = k * ld + PLANE_PAD, width = splitWidth(tw);
        float[][] buf = BUFFERS.get();
        float[] v = grow(buf, 0, 16 * vPlane), e = grow(buf, 1, 16 * ePlane);
        float[] split = grow(buf, 2, 2 * (2 * chunk + 2) * width), dySplit = grow(buf, 3, 4 * width);
        for (int r0 = 0; r0 < tileRows; r0 += chunk) {
            int rows = Math.min(chunk, tileRows - r0), count = rows * tw;
            inputTransform(x, g, n0, r0, rows, split, width, v, ld, vPlane);
            gradientTransform(dy, g, n0, r0, rows, dySplit, width, e, ld, ePlane);
            for (int xi = 0; xi < 16; xi++)
                Sgemm.gemm(false, true, k, c, count, 1f, e, xi * ePlane, ld, v, xi * vPlane, ld, 1f, p, xi * k * c, c);
        }
    }

    /**
     * E[xi][k][j] = (G' e G'^T)[xi] for the 2x2 block e of dy at each of the chunk's tiles (zero
     * beyond odd edges): e's rows combined (e0, e0 + e1, e0 - e1, -e1), then each result's columns.
     */
    private static void gradientTransform(float[] dy, ConvParams.Geometry g, int n0, int r0, int rows, float[] split, int width,
                                          float[] e, int ld, int plane) {
        int k = g.k(), oh = g.oh(), ow = g.ow(), ohw = oh * ow, th = tilesDown(g), tw = tilesAcross(g);
        int e0 = 0, o0 = width, e1 = 2 * width, o1 = 3 * width;
        for (int kk = 0; kk < k; kk++) {
            for (int r = r0; r < r0 + rows; r++) {
                int n = n0 + r / th, oy = 2 * (r % th), row = (n * k + kk) * ohw + oy * ow;
                boolean second = oy + 1 < oh;
                for (int t = 0; t < tw; t++) {
                    int ox = 2 * t;
                    boolean right = ox + 1 < ow;
                    split[e0 + t] = dy[row + ox];
                    split[o0 + t] = right ? dy[row + ox + 1] : 0f;
                    split[e1 + t] = second ? dy[row + ow + ox] : 0f;
                    split[o1 + t] = second && right ? dy[row + ow + ox + 1] : 0f;
                }
                int at = kk * ld + (r - r0) * tw;
                for (int t = 0; t < tw; t += L, at += L) {
                    FloatVector a0 = load(split, e0 + t), a1 = load(split, o0 + t);
                    FloatVector b0 = load(split, e1 + t), b1 = load(split, o1 + t);
                    gradientColumns(a0, a1, e, at, plane);
                    gradientColumns(a0.add(b0), a1.add(b1), e, at + 4 * plane, plane);
                    gradientColumns(a0.sub(b0), a1.sub(b1), e, at + 8 * plane, plane);
                    gradientColumns(b0.neg(), b1.neg(), e, at + 12 * plane, plane);
                }
            }
        }
    }

    /** Columns c0, c1 of one combined row to four planes: c0, c0 + c1, c0 - c1, -c1. */
    private static void gradientColumns(FloatVector c0, FloatVector c1, float[] e, int at, int plane) {
        c0.intoArray(e, at);
        c0.add(c1).intoArray(e, at + plane);
        c0.sub(c1).intoArray(e, at + 2 * plane);
        c1.neg().intoArray(e, at + 3 * plane);
    }

    /** The diagonal of S in {@link #weightOutput}. */
    private static final float[] S_DIAGONAL = {1f, 0.5f, 0.5f, 1f};

    /**
     * dw [K, C, 3, 3] = A^T (S P S) A from the summed P [16, K, C], with A^T = [1 1 1 0; 0 1 -1 0;
     * 0 1 1 1] and S = diag(1, 1/2, 1/2, 1) (F(3x3, 2x2)'s G without its halves, which are exact).
     */
    static float[] weightOutput(float[] p, int k, int c) {
        int plane = k * c;
        float[] dw = new float[plane * 9];
        float[] q = new float[16];
        for (int i = 0; i < plane; i++) {
            for (int xi = 0; xi < 16; xi++) q[xi] = p[xi * plane + i] * S_DIAGONAL[xi >> 2] * S_DIAGONAL[xi & 3];
            int o = i * 9;
            for (int col = 0; col < 4; col++) { // rows of A^T q, kept in q's first three rows
                float q0 = q[col], q1 = q[4 + col], q2 = q[8 + col], q3 = q[12 + col];
                q[col] = q0 + q1 + q2;
                q[4 + col] = q1 - q2;
                q[8 + col] = q1 + q2 + q3;
            }
            for (int row = 0; row < 3; row++) { // then (A^T q) A
                float a0 = q[4 * row], a1 = q[4 * row + 1], a2 = q[4 * row + 2], a3 = q[4 * row + 3];
                dw[o + 3 * row] = a0 + a1 + a2;
                dw[o + 3 * row + 1] = a1 - a2;
                dw[o + 3 * row + 2] = a1 + a2 + a3;
            }
        }
        return dw;
    }
}
