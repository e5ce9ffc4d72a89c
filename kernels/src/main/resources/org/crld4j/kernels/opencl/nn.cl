// Pooling and batch norm. Inputs are read through an element offset and int4 strides (NCHW, or
// [N, C, L, 1] for batch norm); results are dense. No atomics: backward passes gather (each
// input position sums the outputs whose windows hold it, in output order: the reference's own
// order, so pooling equals it bit for bit), and batch norm's per-channel sums are two-stage
// fixed-order reductions. -D GROUP: the work-group size of the reductions (a power of two).

inline float at4(GLOBAL const float* p, int off, int4 st, int a, int b, int c, int d) {
    return p[off + a * st.x + b * st.y + c * st.z + d * st.w];
}

// ---------------------------------------------------------------- pooling
// xdim = (N, C, H, W), ydim = (OH, OW); win = (KH, KW, SH, SW), pad = (PH, PW).

// Max over the window clipped to the input (padding acts as -inf); the first NaN wins, else the
// first of equal maxima. arg: the flat H*W index within the plane, as a float.
KERNEL void max_pool_forward(int4 xdim, int2 ydim, int4 win, int2 pad,
                             GLOBAL const float* x, int x_off, int4 xs, GLOBAL float* y, GLOBAL float* arg) {
    int e = GLOBAL_ID(0), OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * OH * OW) return;
    int ox = e % OW, oy = (e / OW) % OH, pl = e / (OW * OH), n = pl / xdim.y, c = pl % xdim.y;
    int y0 = oy * win.z - pad.x, y1 = min(y0 + win.x, xdim.z), x0 = ox * win.w - pad.y, x1 = min(x0 + win.y, xdim.w);
    y0 = max(y0, 0);
    x0 = max(x0, 0);
    float best = -INFINITY;
    int bi = y0 * xdim.w + x0, done = 0;
    for (int iy = y0; iy < y1 && !done; iy++)
        for (int ix = x0; ix < x1; ix++) {
            float v = at4(x, x_off, xs, n, c, iy, ix);
            if (v > best || isnan(v)) {
                best = v;
                bi = iy * xdim.w + ix;
                if (isnan(v)) { done = 1; break; }
            }
        }
    y[e] = best;
    arg[e] = (float) bi;
}

// The first and last output index along one axis whose window [o*st - pad, o*st - pad + k) holds i.
inline int2 windows_holding(int i, int k, int st, int pad, int out) {
    int t = i + pad;
    int lo = t - k + 1 <= 0 ? 0 : (t - k + st) / st; // ceil((t - k + 1) / st) for t - k + 1 > 0
    int hi = min(t / st, out - 1);
    return (int2) (lo, hi);
}

// dx[n, c, iy, ix] = the dy of every output whose argmax is this position, in output order.
KERNEL void max_pool_backward(int4 xdim, int2 ydim, int4 win, int2 pad,
                              GLOBAL const float* dy, int d_off, int4 ds, GLOBAL const float* arg, GLOBAL float* dx) {
    int e = GLOBAL_ID(0), H = xdim.z, W = xdim.w, OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * H * W) return;
    int ix = e % W, iy = (e / W) % H, pl = e / (W * H), n = pl / xdim.y, c = pl % xdim.y;
    int2 ry = windows_holding(iy, win.x, win.z, pad.x, OH), rx = windows_holding(ix, win.y, win.w, pad.y, OW);
    float here = (float) (iy * W + ix), acc = 0.0f;
    for (int oy = ry.x; oy <= ry.y; oy++)
        for (int ox = rx.x; ox <= rx.y; ox++)
            if (arg[(pl * OH + oy) * OW + ox] == here) acc += at4(dy, d_off, ds, n, c, oy, ox);
    dx[e] = acc;
}

// PyTorch's avg_pool2d window: {y0, y1, x0, x1} clipped to the input, and its divisor.
inline int avg_bounds(int oy, int ox, int4 xdim, int4 win, int2 pad, int include_pad, int4* b) {
    int y0 = oy * win.z - pad.x, x0 = ox * win.w - pad.y;
    int y1 = min(y0 + win.x, xdim.z + pad.x), x1 = min(x0 + win.y, xdim.w + pad.y);
    int pool = (y1 - y0) * (x1 - x0);
    y0 = max(y0, 0);
    x0 = max(x0, 0);
    y1 = min(y1, xdim.z);
    x1 = min(x1, xdim.w);
    *b = (int4) (y0, y1, x0, x1);
    return include_pad ? pool : (y1 - y0) * (x1 - x0);
}

KERNEL void avg_pool_forward(int4 xdim, int2 ydim, int4 win, int2 pad, int include_pad,
                             GLOBAL const float* x, int x_off, int4 xs, GLOBAL float* y) {
    int e = GLOBAL_ID(0), OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * OH * OW) return;
    int ox = e % OW, oy = (e / OW) % OH, pl = e / (OW * OH), n = pl / xdim.y, c = pl % xdim.y;
    int4 b;
    int div = avg_bounds(oy, ox, xdim, win, pad, include_pad, &b);
    float s = 0.0f;
    for (int iy = b.x; iy < b.y; iy++)
        for (int ix = b.z; ix < b.w; ix++) s += at4(x, x_off, xs, n, c, iy, ix);
    y[e] = s / (float) div;
}

// dx = the sum, in output order, of dy / divisor over the windows holding this position.
KERNEL void avg_pool_backward(int4 xdim, int2 ydim, int4 win, int2 pad, int include_pad,
                              GLOBAL const float* dy, int d_off, int4 ds, GLOBAL float* dx) {
    int e = GLOBAL_ID(0), H = xdim.z, W = xdim.w, OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * H * W) return;
    int ix = e % W, iy = (e / W) % H, pl = e / (W * H), n = pl / xdim.y, c = pl % xdim.y;
    int2 ry = windows_holding(iy, win.x, win.z, pad.x, OH), rx = windows_holding(ix, win.y, win.w, pad.y, OW);
    float acc = 0.0f;
    for (int oy = ry.x; oy <= ry.y; oy++)
        for (int ox = rx.x; ox <= rx.y; ox++) {
            int4 b;
            int div = avg_bounds(oy, ox, xdim, win, pad, include_pad, &b);
            acc += at4(dy, d_off, ds, n, c, oy, ox) / (float) div;
        }
    dx[e] = acc;
}

// Adaptive windows: [floor(o * in / out), ceil((o + 1) * in / out)).
inline int ad_start(int o, int in, int out) { return (o * in) / out; }
inline int ad_end(int o, int in, int out) { return ((o + 1) * in + out - 1) / out; }

KERNEL void adaptive_avg_forward(int4 xdim, int2 ydim, GLOBAL const float* x, int x_off, int4 xs, GLOBAL float* y) {
    int e = GLOBAL_ID(0), H = xdim.z, W = xdim.w, OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * OH * OW) return;
    int ox = e % OW, oy = (e / OW) % OH, pl = e / (OW * OH), n = pl / xdim.y, c = pl % xdim.y;
    int y0 = ad_start(oy, H, OH), y1 = ad_end(oy, H, OH), x0 = ad_start(ox, W, OW), x1 = ad_end(ox, W, OW);
    float s = 0.0f;
    for (int iy = y0; iy < y1; iy++)
        for (int ix = x0; ix < x1; ix++) s += at4(x, x_off, xs, n, c, iy, ix);
    y[e] = s / (float) ((y1 - y0) * (x1 - x0));
}

KERNEL void adaptive_avg_backward(int4 xdim, int2 ydim, GLOBAL const float* dy, int d_off, int4 ds, GLOBAL float* dx) {
    int e = GLOBAL_ID(0), H = xdim.z, W = xdim.w, OH = ydim.x, OW = ydim.y;
    if (e >= xdim.x * xdim.y * H * W) return;
    int ix = e % W, iy = (e / W) % H, pl = e / (W * H), n = pl / xdim.y, c = pl % xdim.y;
    // the windows holding iy: from floor(iy * OH / H) to ceil((iy + 1) * OH / H) - 1 (checked again below)
    int oy0 = (iy * OH) / H, oy1 = min(OH - 1, ((iy + 1) * OH + H - 1) / H - 1);
    int ox0 = (ix * OW) / W, ox1 = min(OW - 1, ((ix + 1) * OW + W - 1) / W - 1);
    float acc = 0.0f;
    for (int oy = oy0; oy <= oy1; oy++) {
        int y0 = ad_start(oy, H, OH), y1 = ad_end(oy, H, OH);
        if (iy < y0 || iy >= y1) continue;
        for (int ox = ox0; ox <= ox1; ox++) {
            int x0 = ad_start(ox, W, OW), x1 = ad_end(ox, W, OW);
            if (ix < x0 || ix >= x1) continue;
            acc += at4(dy, d_off, ds, n, c, oy, ox) / (float) ((y1 - y0) * (x1 - x0));
        }
    }
    dx[e] = acc;
}

// ---------------------------------------------------------------- batch norm
// x is [N, C, L] (the dims after C merged into L) with strides (sN, sC, sL, 0) in an int4;
// M = N * L values per channel, element m of channel c at n = m / L, l = m % L. Stage one: a
// work-group of GROUP items per (channel, part), part p covering m in [p * chunk, (p+1) * chunk),
// item t folding m = start + t, start + t + GROUP, ... then a pairwise tree; stage two sums a
// channel's parts in part order. stats is [2, C]: mean, then 1 / sqrt(var + eps).

inline float at_ncl(GLOBAL const float* p, int off, int4 st, int c, int m, int L) {
    return p[off + (m / L) * st.x + c * st.y + (m % L) * st.z];
}

inline float tree(LOCAL float* sv, int t, float v) {
    sv[t] = v;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) sv[t] += sv[t + h];
        BARRIER();
    }
    float total = sv[0];
    BARRIER(); // sv is reused
    return total;
}

// part[c * parts + p] = the sum over the part of x (centred = 0) or of (x - mean[c])^2 (centred = 1).
KERNEL void bn_partial(int4 dims, GLOBAL const float* x, int x_off, int4 xs,
                       GLOBAL const float* stats, int centred, int parts, int chunk, GLOBAL float* part) {
    LOCAL float sv[GROUP];
    int C = dims.y, L = dims.z, M = dims.x * L, t = LOCAL_ID(0), p = GROUP_ID(0), c = GROUP_ID(1);
    int m0 = p * chunk, m1 = min(M, m0 + chunk);
    float mean = centred ? stats[c] : 0.0f, s = 0.0f;
    for (int m = m0 + t; m < m1; m += GROUP) {
        float v = at_ncl(x, x_off, xs, c, m, L);
        if (centred) { v -= mean; v *= v; }
        s += v;
    }
    float total = tree(sv, t, s);
    if (t == 0) part[c * parts + p] = total;
}

inline float parts_sum(GLOBAL const float* part, int c, int parts) {
    float s = 0.0f;
    for (int p = 0; p < parts; p++) s += part[c * parts + p];
    return s;
}

KERNEL void bn_mean(int4 dims, int parts, GLOBAL const float* part, GLOBAL float* stats) {
    int c = GLOBAL_ID(0);
    if (c >= dims.y) return;
    stats[c] = parts_sum(part, c, parts) / (float) (dims.x * dims.z);
}

// invStd from the biased batch variance; the running buffers given (any stride) updated in place
// with the unbiased one, running = (1 - momentum) * running + momentum * batch.
KERNEL void bn_var(int4 dims, int parts, GLOBAL const float* part, GLOBAL float* stats, float eps, float momentum,
                   int has_rm, GLOBAL float* rm, int rm_off, int rm_st, int has_rv, GLOBAL float* rv, int rv_off, int rv_st) {
    int c = GLOBAL_ID(0), C = dims.y;
    if (c >= C) return;
    float M = (float) (dims.x * dims.z), ss = parts_sum(part, c, parts), keep = 1.0f - momentum;
    stats[C + c] = 1.0f / sqrt(ss / M + eps);
    if (has_rm) rm[rm_off + c * rm_st] = keep * rm[rm_off + c * rm_st] + momentum * stats[c];
    if (has_rv) rv[rv_off + c * rv_st] = keep * rv[rv_off + c * rv_st] + momentum * (ss / (M - 1.0f));
}

KERNEL void bn_eval_stats(int C, float eps, GLOBAL const float* rm, int rm_off, int rm_st,
                          GLOBAL const float* rv, int rv_off, int rv_st, GLOBAL float* stats) {
    int c = GLOBAL_ID(0);
    if (c >= C) return;
    stats[c] = rm[rm_off + c * rm_st];
    stats[C + c] = 1.0f / sqrt(rv[rv_off + c * rv_st] + eps);
}

// y = (x - mean) * invStd * gamma + beta (gamma 1 and beta 0 where not given), y dense [N, C, L].
KERNEL void bn_apply(int4 dims, GLOBAL const float* x, int x_off, int4 xs, GLOBAL const float* stats,
                     int has_gamma, GLOBAL const float* gamma, int g_off, int g_st,
                     int has_beta, GLOBAL const float* beta, int b_off, int b_st, GLOBAL float* y) {
    int e = GLOBAL_ID(0), C = dims.y, L = dims.z;
    if (e >= dims.x * C * L) return;
    int l = e % L, c = (e / L) % C, n = e / (L * C);
    float v = (x[x_off + n * xs.x + c * xs.y + l * xs.z] - stats[c]) * stats[C + c];
    if (has_gamma) v *= gamma[g_off + c * g_st];
    if (has_beta) v += beta[b_off + c * b_st];
    y[e] = v;
}

// part[c * parts + p] = sum of dy and part[(C + c) * parts + p] = sum of dy * xhat over the part.
KERNEL void bn_grad_partial(int4 dims, GLOBAL const float* dy, int d_off, int4 ds, GLOBAL const float* x, int x_off, int4 xs,
                            GLOBAL const float* stats, int parts, int chunk, GLOBAL float* part) {
    LOCAL float sv[GROUP];
    int C = dims.y, L = dims.z, M = dims.x * L, t = LOCAL_ID(0), p = GROUP_ID(0), c = GROUP_ID(1);
    int m0 = p * chunk, m1 = min(M, m0 + chunk);
    float mean = stats[c], is = stats[C + c], s = 0.0f, sx = 0.0f;
    for (int m = m0 + t; m < m1; m += GROUP) {
        float d = at_ncl(dy, d_off, ds, c, m, L);
        s += d;
        sx += d * ((at_ncl(x, x_off, xs, c, m, L) - mean) * is);
    }
    float total = tree(sv, t, s), totalx = tree(sv, t, sx);
    if (t == 0) {
        part[c * parts + p] = total;
        part[(C + c) * parts + p] = totalx;
    }
}

// sums = [2, C]: sum(dy) (dbeta), then sum(dy * xhat) (dgamma).
KERNEL void bn_grad_sums(int4 dims, int parts, GLOBAL const float* part, GLOBAL float* sums) {
    int c = GLOBAL_ID(0), C = dims.y;
    if (c >= C) return;
    sums[c] = parts_sum(part, c, parts);
    sums[C + c] = parts_sum(part, C + c, parts);
}

// Training: dx = gamma invStd (dy - sum(dy) / M - xhat sum(dy xhat) / M) (the statistics depend
// on x); eval: dx = gamma invStd dy. dx dense [N, C, L].
KERNEL void bn_backward_input(int4 dims, int training, GLOBAL const float* dy, int d_off, int4 ds,
                              GLOBAL const float* x, int x_off, int4 xs, GLOBAL const float* stats, GLOBAL const float* sums,
                              int has_gamma, GLOBAL const float* gamma, int g_off, int g_st, GLOBAL float* dx) {
    int e = GLOBAL_ID(0), C = dims.y, L = dims.z;
    if (e >= dims.x * C * L) return;
    int l = e % L, c = (e / L) % C, n = e / (L * C);
    float is = stats[C + c], scale = has_gamma ? gamma[g_off + c * g_st] * is : is;
    float d = dy[d_off + n * ds.x + c * ds.y + l * ds.z];
    if (training) {
        float M = (float) (dims.x * L), xhat = (x[x_off + n * xs.x + c * xs.y + l * xs.z] - stats[c]) * is;
        d = d - sums[c] / M - xhat * (sums[C + c] / M);
    }
    dx[e] = scale * d;
}
