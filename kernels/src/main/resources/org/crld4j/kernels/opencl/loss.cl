// ReLU's gradient, softmax / log-softmax over the last dim and their gradient, the mean
// cross-entropy and its gradient, the fused SGD update. Rows are the last dim of a view: row r
// starts at strided(r, rows' rank, shape, strides) and steps by `cs`. Long rows go to a
// work-group of GROUP (-D) items and a fixed pairwise tree; short rows to one item each, in
// order. Sums are float; the order depends only on the shape, so results repeat bit for bit.

// dx = y > 0 ? dy : +0 (PyTorch's threshold_backward: +0 even where dy is NaN or infinite)
KERNEL void relu_backward(int n, int rank, int8 shape, GLOBAL float* dx,
                          GLOBAL const float* dy, int dy_off, int8 dy_st, GLOBAL const float* y, int y_off, int8 y_st) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    dx[i] = y[offset_of(c, rank, y_st, y_off)] > 0.0f ? dy[offset_of(c, rank, dy_st, dy_off)] : 0.0f;
}

// The total over a work-group of each item's v (every item gets it); sv holds GROUP floats.
inline float group_total(float v, LOCAL float* sv) {
    int t = LOCAL_ID(0);
    sv[t] = v;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) sv[t] += sv[t + h];
        BARRIER();
    }
    float total = sv[0];
    BARRIER();
    return total;
}

inline float group_max(float v, LOCAL float* sv) {
    int t = LOCAL_ID(0);
    sv[t] = v;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) sv[t] = fmax(sv[t], sv[t + h]);
        BARRIER();
    }
    float m = sv[0];
    BARRIER();
    return m;
}

// The maximum as the reference takes it: Math.max, so a NaN anywhere makes it NaN.
inline float nan_max(float a, float b) { return isnan(a) || isnan(b) ? NAN : fmax(a, b); }

// y = softmax(x) or log_softmax(x) along the rows; y dense.
KERNEL void softmax_rows(int rows, int cols, int log_, int rrank, int8 rshape, int8 rst, int cs,
                         GLOBAL const float* x, int x_off, GLOBAL float* y) {
    LOCAL float sv[GROUP];
    int r = GROUP_ID(0), t = LOCAL_ID(0);
    int b = strided(r, rrank, rshape, rst, x_off);
    float m = -INFINITY;
    for (int j = t; j < cols; j += GROUP) m = nan_max(m, x[b + j * cs]);
    // a NaN in any item's share must reach the others: fmax alone would drop it
    sv[t] = isnan(m) ? 1.0f : 0.0f;
    float nans = group_total(sv[t], sv);
    m = nans > 0.0f ? NAN : group_max(m, sv);
    float s = 0.0f;
    for (int j = t; j < cols; j += GROUP) s += exp(x[b + j * cs] - m);
    s = group_total(s, sv);
    float lse = m + log(s);
    for (int j = t; j < cols; j += GROUP) {
        float v = x[b + j * cs];
        y[r * cols + j] = log_ ? v - lse : exp(v - m) / s;
    }
}

KERNEL void softmax_rows_serial(int rows, int cols, int log_, int rrank, int8 rshape, int8 rst, int cs,
                                GLOBAL const float* x, int x_off, GLOBAL float* y) {
    int r = GLOBAL_ID(0);
    if (r >= rows) return;
    int b = strided(r, rrank, rshape, rst, x_off);
    float m = -INFINITY;
    for (int j = 0; j < cols; j++) m = nan_max(m, x[b + j * cs]);
    float s = 0.0f;
    for (int j = 0; j < cols; j++) s += exp(x[b + j * cs] - m);
    float lse = m + log(s);
    for (int j = 0; j < cols; j++) {
        float v = x[b + j * cs];
        y[r * cols + j] = log_ ? v - lse : exp(v - m) / s;
    }
}

// dx from y and dy (both read through their row views): log: dy - exp(y) * sum(dy); else y * (dy - sum(dy * y)).
KERNEL void softmax_backward_rows(int rows, int cols, int log_, int rrank, int8 rshape,
                                  int8 y_rst, int y_cs, GLOBAL const float* y, int y_off,
                                  int8 d_rst, int d_cs, GLOBAL const float* dy, int d_off, GLOBAL float* dx) {
    LOCAL float sv[GROUP];
    int r = GROUP_ID(0), t = LOCAL_ID(0);
    int yb = strided(r, rrank, rshape, y_rst, y_off), db = strided(r, rrank, rshape, d_rst, d_off);
    float s = 0.0f;
    for (int j = t; j < cols; j += GROUP) s += log_ ? dy[db + j * d_cs] : dy[db + j * d_cs] * y[yb + j * y_cs];
    s = group_total(s, sv);
    for (int j = t; j < cols; j += GROUP) {
        float g = dy[db + j * d_cs], v = y[yb + j * y_cs];
        dx[r * cols + j] = log_ ? g - exp(v) * s : v * (g - s);
    }
}

KERNEL void softmax_backward_rows_serial(int rows, int cols, int log_, int rrank, int8 rshape,
                                         int8 y_rst, int y_cs, GLOBAL const float* y, int y_off,
                                         int8 d_rst, int d_cs, GLOBAL const float* dy, int d_off, GLOBAL float* dx) {
    int r = GLOBAL_ID(0);
    if (r >= rows) return;
    int yb = strided(r, rrank, rshape, y_rst, y_off), db = strided(r, rrank, rshape, d_rst, d_off);
    float s = 0.0f;
    for (int j = 0; j < cols; j++) s += log_ ? dy[db + j * d_cs] : dy[db + j * d_cs] * y[yb + j * y_cs];
    for (int j = 0; j < cols; j++) {
        float g = dy[db + j * d_cs], v = y[yb + j * y_cs];
        dx[r * cols + j] = log_ ? g - exp(v) * s : v * (g - s);
    }
}

// loss[0] = -mean_i logp[i, label_i] over the dense [n, c] logp; one work-group. Labels through (l_off, l_st).
KERNEL void cross_entropy(int n, int c, GLOBAL const float* logp, GLOBAL const float* labels, int l_off, int l_st,
                          GLOBAL float* loss, GLOBAL int* fault, int site) {
    LOCAL float sv[GROUP];
    int t = LOCAL_ID(0);
    float s = 0.0f;
    for (int i = t; i < n; i += GROUP) {
        float v = labels[l_off + i * l_st];
        if (!valid_index(v, c)) { report_fault(fault, site, v); s = NAN; continue; }
        s -= logp[i * c + (int) v];
    }
    s = group_total(s, sv);
    if (t == 0) loss[0] = s / (float) n;
}

// dlogits = (exp(logp) - one_hot) * g / n, g a one-element tensor on the device.
KERNEL void cross_entropy_backward(int n, int c, GLOBAL const float* logp, GLOBAL const float* labels, int l_off, int l_st,
                                   GLOBAL const float* g, int g_off, GLOBAL float* dx) {
    int e = GLOBAL_ID(0);
    if (e >= n * c) return;
    int i = e / c, j = e % c;
    float scale = g[g_off] / (float) n;
    float v = exp(logp[e]) * scale;
    if ((float) j == labels[l_off + i * l_st]) v -= scale;
    dx[e] = v;
}

// torch.optim.SGD on one parameter, in the reference's operations and order (so the same bits):
// g = grad + param * wd; buf = g (first step) or buf * m + (1 - d) * g; g = nesterov ? g + buf * m : buf; param += -lr * g.
KERNEL void sgd_step(int n, int rank, int8 shape,
                     GLOBAL float* param, int p_off, int8 p_st, GLOBAL const float* grad, int g_off, int8 g_st,
                     GLOBAL float* buf, int b_off, int8 b_st,
                     float neg_lr, float momentum, float keep, float wd, int nesterov, int first) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    int p = offset_of(c, rank, p_st, p_off);
    float w = param[p];
    float g = grad[offset_of(c, rank, g_st, g_off)];
    if (wd != 0.0f) g = g + w * wd;
    if (momentum != 0.0f) {
        int bi = offset_of(c, rank, b_st, b_off);
        float b;
        if (first) b = g;
        else {
            b = buf[bi] * momentum;
            b = keep == 1.0f ? b + g : b + keep * g;
        }
        buf[bi] = b;
        g = nesterov ? g + b * momentum : b;
    }
    param[p] = neg_lr == 1.0f ? w + g : w + neg_lr * g;
}
