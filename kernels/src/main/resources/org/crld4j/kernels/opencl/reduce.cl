// Reductions of rows: row r is x at the kept dims' coordinates of r, its elements the reduced
// dims in row-major order (the reference's order). Fixed order, no atomics, so one device gives
// the same bits run after run:
//  - reduce_group: one work-group of GROUP (a power of two, -D) items per row; item t folds
//    elements t, t + GROUP, ... in order, then a fixed pairwise tree over the group.
//  - reduce_serial: one work-item per row, elements in order (short rows).
// Ops: R_SUM, R_MEAN, R_MAX, R_MIN (the value; first NaN wins, ties to the first index) and
// R_ARGMAX, R_ARGMIN (that index as a float), R_VAR (two passes: mean, then squared deviations).

#define R_SUM 0
#define R_MEAN 1
#define R_MAX 2
#define R_MIN 3
#define R_ARGMAX 4
#define R_ARGMIN 5
#define R_VAR 6

// Whether (w, j) beats (v, i) for a max (or min) where i < j: a NaN beats any number, ties keep i.
inline int beats(float v, float w, int is_max) {
    if (isnan(v)) return 0;
    if (isnan(w)) return 1;
    return is_max ? w > v : w < v;
}

// (v, i) combined with (w, j), either possibly empty (index -1); the lower index wins ties.
inline void pick(float* v, int* i, float w, int j, int is_max) {
    if (j < 0) return;
    if (*i < 0) { *v = w; *i = j; return; }
    int later = j > *i;
    int take = later ? beats(*v, w, is_max) : !beats(w, *v, is_max);
    if (take) { *v = w; *i = j; }
}

inline int row_base(int r, int krank, const int8 kshape, const int8 kst, int x_off) {
    return krank == 0 ? x_off : strided(r, krank, kshape, kst, x_off);
}

inline float finish_sum(int op, float s, int inner, int unbiased) {
    if (op == R_MEAN) return s / (float) inner;
    if (op == R_VAR) { int div = unbiased ? inner - 1 : inner; return div <= 0 ? NAN : s / (float) div; }
    return s;
}

KERNEL void reduce_serial(int outer, int inner, int op, int unbiased,
                          int krank, int8 kshape, int8 kst, int rrank, int8 rshape, int8 rst,
                          GLOBAL const float* x, int x_off, GLOBAL float* out) {
    int r = GLOBAL_ID(0);
    if (r >= outer) return;
    int base = row_base(r, krank, kshape, kst, x_off);
    if (op == R_SUM || op == R_MEAN || op == R_VAR) {
        float s = 0.0f;
        for (int e = 0; e < inner; e++) s += x[strided(e, rrank, rshape, rst, base)];
        if (op == R_VAR) {
            float mean = s / (float) inner, ss = 0.0f;
            for (int e = 0; e < inner; e++) { float d = x[strided(e, rrank, rshape, rst, base)] - mean; ss += d * d; }
            s = ss;
        }
        out[r] = finish_sum(op, s, inner, unbiased);
    } else {
        int is_max = op == R_MAX || op == R_ARGMAX;
        float v = 0.0f;
        int i = -1;
        for (int e = 0; e < inner; e++) pick(&v, &i, x[strided(e, rrank, rshape, rst, base)], e, is_max);
        out[r] = op == R_MAX || op == R_MIN ? v : (float) i;
    }
}

// The sum of this item's share of a row, then the group tree; every item gets the total.
inline float group_sum(GLOBAL const float* x, int base, int inner, int rrank, const int8 rshape, const int8 rst,
                       LOCAL float* sv) {
    int t = LOCAL_ID(0);
    float s = 0.0f;
    for (int e = t; e < inner; e += GROUP) s += x[strided(e, rrank, rshape, rst, base)];
    sv[t] = s;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) sv[t] += sv[t + h];
        BARRIER();
    }
    float total = sv[0];
    BARRIER(); // sv is reused by a second pass
    return total;
}

// Squared deviations from mean (the second pass of the variance).
inline float group_squares(GLOBAL const float* x, int base, int inner, int rrank, const int8 rshape, const int8 rst,
                           float mean, LOCAL float* sv) {
    int t = LOCAL_ID(0);
    float s = 0.0f;
    for (int e = t; e < inner; e += GROUP) { float d = x[strided(e, rrank, rshape, rst, base)] - mean; s += d * d; }
    sv[t] = s;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) sv[t] += sv[t + h];
        BARRIER();
    }
    return sv[0];
}

KERNEL void reduce_group(int outer, int inner, int op, int unbiased,
                         int krank, int8 kshape, int8 kst, int rrank, int8 rshape, int8 rst,
                         GLOBAL const float* x, int x_off, GLOBAL float* out) {
    LOCAL float sv[GROUP];
    LOCAL int si[GROUP];
    int r = GROUP_ID(0), t = LOCAL_ID(0);
    int base = row_base(r, krank, kshape, kst, x_off);
    if (op == R_SUM || op == R_MEAN || op == R_VAR) {
        float s = group_sum(x, base, inner, rrank, rshape, rst, sv);
        if (op == R_VAR) s = group_squares(x, base, inner, rrank, rshape, rst, s / (float) inner, sv);
        if (t == 0) out[r] = finish_sum(op, s, inner, unbiased);
        return;
    }
    int is_max = op == R_MAX || op == R_ARGMAX;
    float v = 0.0f;
    int i = -1;
    for (int e = t; e < inner; e += GROUP) pick(&v, &i, x[strided(e, rrank, rshape, rst, base)], e, is_max);
    sv[t] = v;
    si[t] = i;
    BARRIER();
    for (int h = GROUP / 2; h > 0; h /= 2) {
        if (t < h) {
            float a = sv[t];
            int ia = si[t];
            pick(&a, &ia, sv[t + h], si[t + h], is_max);
            sv[t] = a;
            si[t] = ia;
        }
        BARRIER();
    }
    if (t == 0) out[r] = op == R_MAX || op == R_MIN ? sv[0] : (float) si[0];
}
