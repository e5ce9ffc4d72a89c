// 2-D convolution, NCHW, weight [K, C/G, R, S]. Every operand is read through its own element
// offset and int4 strides (views need no copy); results are dense. No atomics: each output
// element is written by exactly one work-item, and every sum runs in a fixed order (fma in
// reduction order), so one device gives the same bits run after run.
//
// Geometry -D (the program is specialised per filter shape, so tap decoding divides by
// constants): R, S (filter), SH, SW (stride), PH, PW (padding), DH, DW (dilation).
// Runtime: xdim = (N, C, H, W), ydim = (K, OH, OW, G).
//
// conv_gemm (-D MODE, TM, TN, TK, WPT): the three convolution products as one implicit GEMM per
// group, out[rows, cols] = A[rows, red] x B[red, cols], with the im2col (or col2im-as-gather)
// folded into the tile loads:
//   CONV_FWD:   y[k, (n,oy,ox)]   = w[k, (c,r,s)]     x patches(x)[(c,r,s), (n,oy,ox)]  (+ bias)
//   CONV_DGRAD: dx[c, (n,ih,iw)]  = w^T[c, (k,r,s)]   x gathered(dy)[(k,r,s), (n,ih,iw)]
//               (dy at the output position whose tap (r,s) lands on (ih,iw), 0 where none)
//   CONV_WGRAD: dw[k, (c,r,s)]    = dy[k, (n,oy,ox)]  x patches(x)^T[(n,oy,ox), (c,r,s)]
//               over one fixed chunk of (n,oy,ox) per split; conv_sum_splits adds the splits.
// A work-group of (TN/WPT) x (TM/WPT) items computes a TM x TN tile, each item WPT x WPT
// outputs spaced TM/WPT (TN/WPT) apart, over TK-deep slices staged in local memory.
//
// Depthwise (-D DEPTHWISE; C/G == 1, K = G * KM filters, KM per input channel): direct loops,
// one item per output element (forward, input gradient) and one work-group of GROUP items per
// filter for the weight gradient (fixed-stride share per item, then a fixed tree per tap).

#define CONV_FWD 1
#define CONV_DGRAD 2
#define CONV_WGRAD 3
#define RS (R * S)

inline float at4(GLOBAL const float* p, int off, int4 st, int a, int b, int c, int d) {
    return p[off + a * st.x + b * st.y + c * st.z + d * st.w];
}

// -D EPILOGUE (forward only): eval-mode batch norm, then an optional residual, then an optional
// ReLU applied to each output before it is stored, each step rounded exactly as the separate
// kernels round it (bn_apply, binary add, relu), so the fused result equals theirs bit for bit.
// stats is [2, K] as bn_eval_stats writes it (mean, then 1 / sqrt(var + eps)).
#ifdef EPILOGUE
#define EPILOGUE_PARAMS , GLOBAL const float* stats, int has_gamma, GLOBAL const float* gamma, int g_off, int g_st, \
    int has_beta, GLOBAL const float* beta, int be_off, int be_st, int has_res, GLOBAL const float* res, int r_off, int4 rs, int relu
#define EPILOGUE_APPLY(v, n, k, oy, ox) v = epilogue(v, n, k, oy, ox, ydim.x, stats, has_gamma, gamma, g_off, g_st, \
    has_beta, beta, be_off, be_st, has_res, res, r_off, rs, relu)

inline float epilogue(float v, int n, int k, int oy, int ox, int K, GLOBAL const float* stats,
                      int has_gamma, GLOBAL const float* gamma, int g_off, int g_st, int has_beta, GLOBAL const float* beta, int be_off, int be_st,
                      int has_res, GLOBAL const float* res, int r_off, int4 rs, int relu) {
    v = (v - stats[k]) * stats[K + k];
    if (has_gamma) v *= gamma[g_off + k * g_st];
    if (has_beta) v += beta[be_off + k * be_st];
    if (has_res) v = v + at4(res, r_off, rs, n, k, oy, ox);
    if (relu) v = v > 0.0f ? v : (v == v ? 0.0f : v);
    return v;
}
#else
#define EPILOGUE_PARAMS
#define EPILOGUE_APPLY(v, n, k, oy, ox)
#endif

#ifdef MODE

#define RTM (TM / WPT)
#define RTN (TN / WPT)

// A[row, red] of group g.
inline float load_a(GLOBAL const float* A, int a_off, int4 as, int row, int red, int g, int4 xdim, int4 ydim) {
#if MODE == CONV_FWD
    int kg = ydim.x / ydim.w, c = red / RS, rs = red % RS;
    return at4(A, a_off, as, g * kg + row, c, rs / S, rs % S);
#elif MODE == CONV_DGRAD
    int kg = ydim.x / ydim.w, k = red / RS, rs = red % RS;
    return at4(A, a_off, as, g * kg + k, row, rs / S, rs % S);
#else
    int kg = ydim.x / ydim.w, ohw = ydim.y * ydim.z, n = red / ohw, p = red % ohw;
    return at4(A, a_off, as, n, g * kg + row, p / ydim.z, p % ydim.z);
#endif
}

// B[red, col] of group g; 0 for taps in the padding (and, for the input gradient, positions no
// output's tap reaches).
inline float load_b(GLOBAL const float* B, int b_off, int4 bs, int red, int col, int g, int4 xdim, int4 ydim) {
    int cg = xdim.y / ydim.w, ohw = ydim.y * ydim.z;
#if MODE == CONV_DGRAD
    int kg = ydim.x / ydim.w, k = red / RS, rs = red % RS, r = rs / S, s = rs % S;
    int hw = xdim.z * xdim.w, n = col / hw, q = col % hw, ih = q / xdim.w, iw = q % xdim.w;
    int ty = ih + PH - r * DH, tx = iw + PW - s * DW;
    if (ty < 0 || tx < 0 || ty % SH != 0 || tx % SW != 0) return 0.0f;
    int oy = ty / SH, ox = tx / SW;
    if (oy >= ydim.y || ox >= ydim.z) return 0.0f;
    return at4(B, b_off, bs, n, g * kg + k, oy, ox);
#else
#if MODE == CONV_FWD
    int crs = red, npq = col;
#else
    int crs = col, npq = red;
#endif
    int c = crs / RS, rs = crs % RS, r = rs / S, s = rs % S;
    int n = npq / ohw, p = npq % ohw, oy = p / ydim.z, ox = p % ydim.z;
    int ih = oy * SH - PH + r * DH, iw = ox * SW - PW + s * DW;
    if (ih < 0 || ih >= xdim.z || iw < 0 || iw >= xdim.w) return 0.0f;
    return at4(B, b_off, bs, n, g * cg + c, ih, iw);
#endif
}

// A is w (forward, input gradient) or dy (weight gradient); B is x (forward, weight gradient) or
// dy (input gradient). bias is read only when has_bias (forward). For the weight gradient,
// GROUP_ID(2) = g * splits + split and out is [splits, K, C/G*R*S] (dw itself when splits == 1).
KERNEL void conv_gemm(int4 xdim, int4 ydim,
                      GLOBAL const float* A, int a_off, int4 as,
                      GLOBAL const float* B, int b_off, int4 bs,
                      GLOBAL const float* bias, int bias_off, int bias_st, int has_bias,
                      GLOBAL float* out, int splits, int chunk EPILOGUE_PARAMS) {
    LOCAL float As[TK][TM + 1];
    LOCAL float Bs[TK][TN + 1];
    const int tc = LOCAL_ID(0), tr = LOCAL_ID(1), lid = tr * RTN + tc;
    const int col0 = GROUP_ID(0) * TN, row0 = GROUP_ID(1) * TM;
    const int G = ydim.w, cg = xdim.y / G, kg = ydim.x / G;
    const int npq = xdim.x * ydim.y * ydim.z;
#if MODE == CONV_FWD
    const int g = GROUP_ID(2), rows = kg, cols = npq, red0 = 0, red1 = cg * RS;
#elif MODE == CONV_DGRAD
    const int g = GROUP_ID(2), rows = cg, cols = xdim.x * xdim.z * xdim.w, red0 = 0, red1 = kg * RS;
#else
    const int g = GROUP_ID(2) / splits, split = GROUP_ID(2) % splits, rows = kg, cols = cg * RS;
    const int red0 = split * chunk, red1 = min(npq, red0 + chunk);
#endif

    float acc[WPT][WPT];
    for (int i = 0; i < WPT; i++)
        for (int j = 0; j < WPT; j++) acc[i][j] = 0.0f;

    for (int t = red0; t < red1; t += TK) {
        for (int l = lid; l < TM * TK; l += RTM * RTN) { // consecutive items walk red
            int r = l / TK, kk = l % TK, gr = row0 + r, gk = t + kk;
            As[kk][r] = gr < rows && gk < red1 ? load_a(A, a_off, as, gr, gk, g, xdim, ydim) : 0.0f;
        }
        for (int l = lid; l < TK * TN; l += RTM * RTN) { // consecutive items walk cols
            int kk = l / TN, c = l % TN, gk = t + kk, gc = col0 + c;
            Bs[kk][c] = gk < red1 && gc < cols ? load_b(B, b_off, bs, gk, gc, g, xdim, ydim) : 0.0f;
        }
        BARRIER();
        for (int kk = 0; kk < TK; kk++) {
            float a[WPT], b[WPT];
            for (int i = 0; i < WPT; i++) a[i] = As[kk][tr + i * RTM];
            for (int j = 0; j < WPT; j++) b[j] = Bs[kk][tc + j * RTN];
            for (int i = 0; i < WPT; i++)
                for (int j = 0; j < WPT; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        BARRIER();
    }

    for (int i = 0; i < WPT; i++) {
        int row = row0 + tr + i * RTM;
        if (row >= rows) continue;
        for (int j = 0; j < WPT; j++) {
            int col = col0 + tc + j * RTN;
            if (col >= cols) continue;
#if MODE == CONV_FWD
            int ohw = ydim.y * ydim.z, k = g * kg + row;
            float v = acc[i][j];
            if (has_bias) v += bias[bias_off + k * bias_st];
            EPILOGUE_APPLY(v, col / ohw, k, (col % ohw) / ydim.z, col % ydim.z);
            out[((col / ohw) * ydim.x + k) * ohw + col % ohw] = v;
#elif MODE == CONV_DGRAD
            int hw = xdim.z * xdim.w;
            out[((col / hw) * xdim.y + g * cg + row) * hw + col % hw] = acc[i][j];
#else
            out[(split * ydim.x + g * kg + row) * cols + col] = acc[i][j];
#endif
        }
    }
}

// dw[i] = the weight gradient's splits summed in split order (part is [splits, n]).
KERNEL void conv_sum_splits(int n, int splits, GLOBAL const float* part, GLOBAL float* dw) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    float s = 0.0f;
    for (int z = 0; z < splits; z++) s += part[z * n + i];
    dw[i] = s;
}

#endif // MODE

#ifdef DEPTHWISE

// y[n, k, oy, ox] = sum over taps (r, s in order) of w[k, 0, r, s] * x[n, k / KM, ih, iw] (+ bias).
KERNEL void dw_forward(int4 xdim, int4 ydim,
                       GLOBAL const float* x, int x_off, int4 xs,
                       GLOBAL const float* w, int w_off, int4 ws,
                       GLOBAL const float* bias, int bias_off, int bias_st, int has_bias,
                       GLOBAL float* y EPILOGUE_PARAMS) {
    int e = GLOBAL_ID(0), K = ydim.x, OH = ydim.y, OW = ydim.z, km = K / ydim.w;
    if (e >= xdim.x * K * OH * OW) return;
    int ox = e % OW, oy = (e / OW) % OH, k = (e / (OW * OH)) % K, n = e / (OW * OH * K), c = k / km;
    float acc = 0.0f;
    for (int r = 0; r < R; r++) {
        int ih = oy * SH - PH + r * DH;
        if (ih < 0 || ih >= xdim.z) continue;
        for (int s = 0; s < S; s++) {
            int iw = ox * SW - PW + s * DW;
            if (iw < 0 || iw >= xdim.w) continue;
            acc = fma(at4(w, w_off, ws, k, 0, r, s), at4(x, x_off, xs, n, c, ih, iw), acc);
        }
    }
    if (has_bias) acc += bias[bias_off + k * bias_st];
    EPILOGUE_APPLY(acc, n, k, oy, ox);
    y[e] = acc;
}

// dx[n, c, ih, iw] = sum over the channel's KM filters j and taps (r, s), in that order, of
// w[c*KM + j, 0, r, s] * dy[n, c*KM + j, oy, ox] for the output (oy, ox) whose tap lands here.
KERNEL void dw_backward_input(int4 xdim, int4 ydim,
                              GLOBAL const float* dy, int d_off, int4 ds,
                              GLOBAL const float* w, int w_off, int4 ws,
                              GLOBAL float* dx) {
    int e = GLOBAL_ID(0), C = xdim.y, H = xdim.z, W = xdim.w, km = ydim.x / ydim.w;
    if (e >= xdim.x * C * H * W) return;
    int iw = e % W, ih = (e / W) % H, c = (e / (W * H)) % C, n = e / (W * H * C);
    float acc = 0.0f;
    for (int j = 0; j < km; j++) {
        int k = c * km + j;
        for (int r = 0; r < R; r++) {
            int ty = ih + PH - r * DH;
            if (ty < 0 || ty % SH != 0 || ty / SH >= ydim.y) continue;
            for (int s = 0; s < S; s++) {
                int tx = iw + PW - s * DW;
                if (tx < 0 || tx % SW != 0 || tx / SW >= ydim.z) continue;
                acc = fma(at4(w, w_off, ws, k, 0, r, s), at4(dy, d_off, ds, n, k, ty / SH, tx / SW), acc);
            }
        }
    }
    dx[e] = acc;
}

// dw[k, 0, r, s] = sum over (n, oy, ox) of dy[n, k, oy, ox] * x[n, k / KM, ih, iw]: one
// work-group per filter k, item t folds positions t, t + GROUP, ... for every tap at once (dy
// read once), then one fixed pairwise tree per tap.
KERNEL void dw_backward_weight(int4 xdim, int4 ydim,
                               GLOBAL const float* dy, int d_off, int4 ds,
                               GLOBAL const float* x, int x_off, int4 xs,
                               GLOBAL float* dw) {
    LOCAL float sv[GROUP];
    int k = GROUP_ID(0), t = LOCAL_ID(0), OH = ydim.y, OW = ydim.z, c = k / (ydim.x / ydim.w);
    int npq = xdim.x * OH * OW;
    float acc[RS];
    for (int i = 0; i < RS; i++) acc[i] = 0.0f;
    for (int e = t; e < npq; e += GROUP) {
        int ox = e % OW, oy = (e / OW) % OH, n = e / (OW * OH);
        float d = at4(dy, d_off, ds, n, k, oy, ox);
        for (int r = 0; r < R; r++) {
            int ih = oy * SH - PH + r * DH;
            if (ih < 0 || ih >= xdim.z) continue;
            for (int s = 0; s < S; s++) {
                int iw = ox * SW - PW + s * DW;
                if (iw < 0 || iw >= xdim.w) continue;
                acc[r * S + s] = fma(d, at4(x, x_off, xs, n, c, ih, iw), acc[r * S + s]);
            }
        }
    }
    for (int i = 0; i < RS; i++) {
        sv[t] = acc[i];
        BARRIER();
        for (int h = GROUP / 2; h > 0; h /= 2) {
            if (t < h) sv[t] += sv[t + h];
            BARRIER();
        }
        if (t == 0) dw[k * RS + i] = sv[0];
        BARRIER(); // sv is reused by the next tap
    }
}

#endif // DEPTHWISE
