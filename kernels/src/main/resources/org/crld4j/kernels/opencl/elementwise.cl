// Elementwise kernels over strided, broadcast operands (StridedLayout): one work-item per output
// element; op codes are the ordinals of UnaryOp / BinaryOp (a uniform branch). NaN, -0 and pow
// follow Java's Math, the reference's semantics.

// UnaryOp ordinals, then COPY.
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_ABS 4
#define U_RELU 5
#define U_SIGN 6
#define U_ADD 7
#define U_MUL 8
#define U_DIV 9
#define U_POW 10
#define U_GT 11
#define U_GE 12
#define U_LT 13
#define U_LE 14
#define U_EQ 15
#define U_CLAMP 16
#define U_COPY 100

// BinaryOp ordinals.
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAX 5
#define B_MIN 6
#define B_EQ 7
#define B_NE 8
#define B_GT 9
#define B_GE 10
#define B_LT 11
#define B_LE 12

// Java's Math.pow where C's differs: pow(x, NaN) and pow(+-1, +-inf) are NaN.
inline float java_pow(float a, float b) {
    if (isnan(b) || (isinf(b) && fabs(a) == 1.0f)) return NAN;
    return pow(a, b);
}

// Java's Math.max/min after the NaN check: +0 is above -0.
inline float java_max(float a, float b) {
    if (isnan(a) || isnan(b)) return NAN;
    return a > b ? a : (b > a ? b : (signbit(a) ? b : a));
}

inline float java_min(float a, float b) {
    if (isnan(a) || isnan(b)) return NAN;
    return a < b ? a : (b < a ? b : (signbit(a) ? a : b));
}

inline float unary_op(int op, float x, float a, float b) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_RELU: return x > 0.0f ? x : (x == x ? 0.0f : x);
        case U_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : x); // keeps +-0 and NaN, as Math.signum
        case U_ADD: return x + a;
        case U_MUL: return x * a;
        case U_DIV: return x / a;
        case U_POW: return java_pow(x, a);
        case U_GT: return x > a ? 1.0f : 0.0f;
        case U_GE: return x >= a ? 1.0f : 0.0f;
        case U_LT: return x < a ? 1.0f : 0.0f;
        case U_LE: return x <= a ? 1.0f : 0.0f;
        case U_EQ: return x == a ? 1.0f : 0.0f;
        case U_CLAMP: return x < a ? a : (x > b ? b : x);
        default: return x; // U_COPY
    }
}

inline float binary_op(int op, float x, float y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return x / y;
        case B_POW: return java_pow(x, y);
        case B_MAX: return java_max(x, y);
        case B_MIN: return java_min(x, y);
        case B_EQ: return x == y ? 1.0f : 0.0f;
        case B_NE: return x != y ? 1.0f : 0.0f;
        case B_GT: return x > y ? 1.0f : 0.0f;
        case B_GE: return x >= y ? 1.0f : 0.0f;
        case B_LT: return x < y ? 1.0f : 0.0f;
        default: return x <= y ? 1.0f : 0.0f; // B_LE
    }
}

// out = op(x; a, b)
KERNEL void unary(int n, int rank, int8 shape,
                  GLOBAL float* out, int out_off, int8 out_st,
                  GLOBAL const float* x, int x_off, int8 x_st,
                  int op, float a, float b) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    out[offset_of(c, rank, out_st, out_off)] = unary_op(op, x[offset_of(c, rank, x_st, x_off)], a, b);
}

// out = x op y
KERNEL void binary(int n, int rank, int8 shape,
                   GLOBAL float* out, int out_off, int8 out_st,
                   GLOBAL const float* x, int x_off, int8 x_st,
                   GLOBAL const float* y, int y_off, int8 y_st,
                   int op) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    out[offset_of(c, rank, out_st, out_off)] = binary_op(op, x[offset_of(c, rank, x_st, x_off)], y[offset_of(c, rank, y_st, y_off)]);
}

// out = mask != 0 ? x : y
KERNEL void where_(int n, int rank, int8 shape,
                   GLOBAL float* out, int out_off, int8 out_st,
                   GLOBAL const float* mask, int m_off, int8 m_st,
                   GLOBAL const float* x, int x_off, int8 x_st,
                   GLOBAL const float* y, int y_off, int8 y_st) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    float m = mask[offset_of(c, rank, m_st, m_off)];
    out[offset_of(c, rank, out_st, out_off)] = m != 0.0f ? x[offset_of(c, rank, x_st, x_off)] : y[offset_of(c, rank, y_st, y_off)];
}

// out += alpha * x (alpha 1: a plain add, as the reference)
KERNEL void axpy(int n, int rank, int8 shape,
                 GLOBAL float* out, int out_off, int8 out_st,
                 GLOBAL const float* x, int x_off, int8 x_st,
                 float alpha) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    int o = offset_of(c, rank, out_st, out_off);
    float v = x[offset_of(c, rank, x_st, x_off)];
    out[o] = alpha == 1.0f ? out[o] + v : out[o] + alpha * v;
}

KERNEL void fill(int n, int rank, int8 shape, GLOBAL float* out, int out_off, int8 out_st, float value) {
    int i = GLOBAL_ID(0);
    if (i >= n) return;
    out[strided(i, rank, shape, out_st, out_off)] = value;
}
