// Prepended to every crld4j kernel source (ProgramCache). Kernels are OpenCL C 1.2 written
// against the macros below, so another vendor path (NVRTC for CUDA) can map them elsewhere.
#define KERNEL __kernel
#define GLOBAL __global
#define LOCAL __local
#define RESTRICT restrict
#define GLOBAL_ID(d) ((int) get_global_id(d))
#define LOCAL_ID(d) ((int) get_local_id(d))
#define GROUP_ID(d) ((int) get_group_id(d))
#define LOCAL_SIZE(d) ((int) get_local_size(d))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

// Products and sums stay separate roundings (as the Java reference computes) unless a kernel asks
// for fma() itself; OpenCL C would otherwise allow a*b+c to be contracted.
#pragma OPENCL FP_CONTRACT OFF

// Tensors reach kernels as (buffer, element offset, int8 strides) with an int8 shape and a rank
// of at most MAX_RANK; the host coalesces dims first (StridedLayout).
#define MAX_RANK 8

// The row-major coordinates of linear index i in shape[0..rank).
inline void coords(int i, int rank, const int8 shape, int* c) {
    int s[MAX_RANK];
    vstore8(shape, 0, s);
    for (int d = rank - 1; d >= 0; d--) {
        c[d] = i % s[d];
        i /= s[d];
    }
}

// The element offset of coordinates c under strides.
inline int offset_of(const int* c, int rank, const int8 strides, int base) {
    int st[MAX_RANK];
    vstore8(strides, 0, st);
    int o = base;
    for (int d = 0; d < rank; d++) o += c[d] * st[d];
    return o;
}

// The offset of linear index i in a view, in one step.
inline int strided(int i, int rank, const int8 shape, const int8 strides, int base) {
    int c[MAX_RANK];
    coords(i, rank, shape, c);
    return offset_of(c, rank, strides, base);
}

// Index kernels report a bad index here (first one wins) instead of reading out of bounds; the
// host throws at its next read from the device (ClDevice.checkFaults).
inline void report_fault(GLOBAL int* fault, int site, float value) {
    if (atomic_cmpxchg(fault, 0, site) == 0) fault[1] = as_int(value);
}

// An index stored as float: valid if integral and in [0, bound).
inline int valid_index(float v, int bound) { return v >= 0.0f && v < (float) bound && v == floor(v); }
