// Index-driven kernels. Indices are floats holding integers (the tensors' convention); a bad one
// is reported through the fault word (common.cl) and reads nothing out of bounds. The shape
// arguments are the full rank (at most MAX_RANK; dims are not merged, `dim` names one).

// out[c] = x[c with c[dim] = index[c]]; out and index share `shape`, out dense.
KERNEL void gather(int n, int rank, int8 shape, int dim, int bound,
                   GLOBAL const float* index, int i_off, int8 i_st,
                   GLOBAL const float* x, int x_off, int8 x_st,
                   GLOBAL float* out, GLOBAL int* fault, int site) {
    int e = GLOBAL_ID(0);
    if (e >= n) return;
    int c[MAX_RANK];
    coords(e, rank, shape, c);
    float v = index[offset_of(c, rank, i_st, i_off)];
    if (!valid_index(v, bound)) { report_fault(fault, site, v); out[e] = NAN; return; }
    c[dim] = (int) v;
    out[e] = x[offset_of(c, rank, x_st, x_off)];
}

// out (dense, already a copy of x) at every position of `region` (out's shape with the other dims
// cut to index's): the src values whose index along dim names this position, in index order
// (the last one for a plain scatter; all added to x's value, in order, for scatter-add). The
// positions with c[dim] = 0 also check every index of their line.
KERNEL void scatter(int n, int rank, int8 region, int dim, int bound, int lines, int add,
                    GLOBAL const float* index, int i_off, int8 i_st,
                    GLOBAL const float* src, int s_off, int8 s_st,
                    GLOBAL float* out, int8 o_st, GLOBAL int* fault, int site) {
    int e = GLOBAL_ID(0);
    if (e >= n) return;
    int c[MAX_RANK];
    coords(e, rank, region, c);
    int here = c[dim];
    int o = offset_of(c, rank, o_st, 0);
    float acc = out[o];
    for (int j = 0; j < lines; j++) {
        c[dim] = j;
        float v = index[offset_of(c, rank, i_st, i_off)];
        if (here == 0 && !valid_index(v, bound)) report_fault(fault, site, v);
        if (v == (float) here) {
            float s = src[offset_of(c, rank, s_st, s_off)];
            acc = add ? acc + s : s;
        }
    }
    out[o] = acc;
}

// out[c] = x[c with c[dim] = index[c[dim]]]; out dense of `shape` (x's with dim resized).
KERNEL void index_select(int n, int rank, int8 shape, int dim, int bound,
                         GLOBAL const float* index, int i_off, int i_st,
                         GLOBAL const float* x, int x_off, int8 x_st,
                         GLOBAL float* out, GLOBAL int* fault, int site) {
    int e = GLOBAL_ID(0);
    if (e >= n) return;
    int c[MAX_RANK];
    coords(e, rank, shape, c);
    float v = index[i_off + c[dim] * i_st];
    if (!valid_index(v, bound)) { report_fault(fault, site, v); out[e] = NAN; return; }
    c[dim] = (int) v;
    out[e] = x[offset_of(c, rank, x_st, x_off)];
}

// out[l, k] = labels[l] == k; labels read through their view (lshape, l_st), out dense [L, classes].
KERNEL void one_hot(int n, int classes, int lrank, int8 lshape, GLOBAL const float* labels, int l_off, int8 l_st,
                    GLOBAL float* out, GLOBAL int* fault, int site) {
    int e = GLOBAL_ID(0);
    if (e >= n) return;
    int l = e / classes, k = e % classes;
    float v = labels[lrank == 0 ? l_off : strided(l, lrank, lshape, l_st, l_off)];
    if (!valid_index(v, classes)) {
        if (k == 0) report_fault(fault, site, v);
        out[e] = NAN;
        return;
    }
    out[e] = (int) v == k ? 1.0f : 0.0f;
}
