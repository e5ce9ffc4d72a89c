// C = A * B for a batch of matrices: A [m, k] and B [k, n] read through element strides (so
// transposed and strided views need no copy), C dense [batch, m, n]. Tiled and register-blocked:
// a work-group of (TS/WPT)^2 items computes a TS x TS tile of C, each item WPT x WPT outputs
// spaced TS/WPT apart (coalesced stores, conflict-free local reads), over TK-deep slices of A and
// B staged in local memory. Each output accumulates over k in order with fma: fixed order, so
// the same bits run after run. -D: TS, TK, WPT.

#define RTS (TS / WPT)

KERNEL void gemm(int m, int n, int k,
                 GLOBAL const float* A, int a_off, int a_rs, int a_cs,
                 GLOBAL const float* B, int b_off, int b_rs, int b_cs,
                 GLOBAL float* C,
                 int brank, int8 bshape, int8 a_bst, int8 b_bst) {
    LOCAL float As[TK][TS + 1];
    LOCAL float Bs[TK][TS + 1];
    const int tc = LOCAL_ID(0), tr = LOCAL_ID(1), lid = tr * RTS + tc;
    const int col0 = GROUP_ID(0) * TS, row0 = GROUP_ID(1) * TS, batch = GROUP_ID(2);
    int bc[MAX_RANK];
    coords(batch, brank, bshape, bc);
    const int ao = offset_of(bc, brank, a_bst, a_off), bo = offset_of(bc, brank, b_bst, b_off);
    GLOBAL float* Cb = C + (long) batch * m * n;

    float acc[WPT][WPT];
    for (int i = 0; i < WPT; i++)
        for (int j = 0; j < WPT; j++) acc[i][j] = 0.0f;

    for (int t = 0; t < k; t += TK) {
        // A's tile: consecutive items walk k (row-major A reads consecutive addresses)
        for (int l = lid; l < TS * TK; l += RTS * RTS) {
            int r = l / TK, kk = l % TK, gr = row0 + r, gk = t + kk;
            As[kk][r] = gr < m && gk < k ? A[ao + gr * a_rs + gk * a_cs] : 0.0f;
        }
        // B's tile: consecutive items walk n
        for (int l = lid; l < TS * TK; l += RTS * RTS) {
            int kk = l / TS, c = l % TS, gk = t + kk, gc = col0 + c;
            Bs[kk][c] = gk < k && gc < n ? B[bo + gk * b_rs + gc * b_cs] : 0.0f;
        }
        BARRIER();
        for (int kk = 0; kk < TK; kk++) {
            float a[WPT], b[WPT];
            for (int i = 0; i < WPT; i++) a[i] = As[kk][tr + i * RTS];
            for (int j = 0; j < WPT; j++) b[j] = Bs[kk][tc + j * RTS];
            for (int i = 0; i < WPT; i++)
                for (int j = 0; j < WPT; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        BARRIER();
    }
    for (int i = 0; i < WPT; i++) {
        int r = row0 + tr + i * RTS;
        if (r >= m) continue;
        for (int j = 0; j < WPT; j++) {
            int c = col0 + tc + j * RTS;
            if (c < n) Cb[r * n + c] = acc[i][j];
        }
    }
}
