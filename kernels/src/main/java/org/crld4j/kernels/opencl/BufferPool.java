package org.crld4j.kernels.opencl;

import org.crld4j.tensor.DeviceOutOfMemoryException;
import org.crld4j.tensor.DeviceStats;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * Device buffers by size class, reused: the collector frees device memory late (a cl_mem is
 * returned only when its storage's {@link java.lang.ref.Cleaner} runs), so a training step must
 * not wait on it. Size classes are 2^k x {1, 1.25, 1.5, 1.75} bytes (at most 25% slack), at
 * least {@link #MIN_BYTES}. When the device is full (by this pool's count of live bytes against
 * the device's global memory, or the driver's allocation failure): the free buffers are
 * released, the collector is run so unreachable storages come back, and the allocation is tried
 * once more before failing with {@link DeviceOutOfMemoryException}. Thread-safe: buffers come
 * back on the cleaner's thread.
 */
final class BufferPool {
    static final long MIN_BYTES = 256;

    /** A device buffer and the size class it was made for. */
    record Buffer(cl_mem mem, long capacity) {}

    private final String device;
    private final cl_context context;
    private final long globalBytes, maxAllocBytes;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private long inUse, pooled, peak, created;
    /**
     * Live bytes at which the collector is run before the pool grows: a step's intermediates
     * become unreachable after its backward, but the Java heap is small and collections rare, so
     * without this the buffers of many finished steps stay held. Reset after each collection to
     * twice what survived it (at least a quarter of the device), so a large live set does not
     * make every allocation collect.
     */
    private long collectAbove, collections;

    BufferPool(String device, cl_context context, long globalBytes, long maxAllocBytes) {
        this.device = device;
        this.context = context;
        this.globalBytes = globalBytes;
        this.maxAllocBytes = maxAllocBytes;
        this.collectAbove = globalBytes / 4;
    }

    /** The size class holding {@code bytes}. */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_BYTES) return MIN_BYTES;
        long pow = Long.highestOneBit(bytes);
        if (pow == bytes) return bytes;
        long quarter = pow / 4;
        return pow + quarter * ((bytes - pow + quarter - 1) / quarter);
    }

    /** A buffer of at least {@code bytes}, reused where one of its class is free. */
    Buffer acquire(long bytes) {
        long cap = sizeClass(bytes);
        if (cap > maxAllocBytes)
            throw new DeviceOutOfMemoryException(device + ": a buffer of " + DeviceStats.bytes(bytes) + " was asked for, more than the "
                    + DeviceStats.bytes(maxAllocBytes) + " the device allows in one allocation (" + DeviceStats.bytes(inUse()) + " in use)");
        synchronized (this) {
            cl_mem m = take(cap);
            if (m != null) return use(m, cap);
        }
        boolean collect;
        synchronized (this) { collect = inUse + cap > collectAbove; }
        if (collect) {
            reclaimUnreachable();
            synchronized (this) {
                collectAbove = Math.min(globalBytes, Math.max(globalBytes / 4, 2 * inUse));
                cl_mem m = take(cap);
                if (m != null) return use(m, cap);
            }
        }
        for (int attempt = 0; ; attempt++) {
            String why;
            synchronized (this) {
                cl_mem m = take(cap); // a cleaner may have returned one meanwhile
                if (m != null) return use(m, cap);
                if (inUse + cap <= globalBytes) {
                    try {
                        m = clCreateBuffer(context, CL_MEM_READ_WRITE, cap, null, null);
                        created++;
                        return use(m, cap);
                    } catch (CLException e) {
                        if (!isOutOfMemory(e.getStatus())) throw new OpenClException(device + ": clCreateBuffer of " + cap + " bytes failed: " + e.getMessage(), e);
                        why = "the driver refused (" + stringFor_errorCode(e.getStatus()) + ")";
                    }
                } else {
                    why = "the device's " + DeviceStats.bytes(globalBytes) + " would be exceeded";
                }
                releaseFree();
            }
            if (attempt == 1)
                throw new DeviceOutOfMemoryException(device + ": out of device memory: " + DeviceStats.bytes(bytes) + " asked for with "
                        + DeviceStats.bytes(inUse()) + " in use by live tensors, " + why + "; use a smaller batch or model");
            reclaimUnreachable();
            synchronized (this) { releaseFree(); } // the driver may need the returned buffers' memory in other sizes
        }
    }

    /**
     * Runs the collector and gives the cleaner a moment to return the buffers of unreachable
     * storages; they stay pooled for reuse.
     */
    private void reclaimUnreachable() {
        collections++;
        System.gc();
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean isOutOfMemory(int status) {
        return status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES || status == CL_OUT_OF_HOST_MEMORY;
    }

    private cl_mem take(long cap) {
        ArrayDeque<cl_mem> q = free.get(cap);
        cl_mem m = q == null ? null : q.poll();
        if (m != null) pooled -= cap;
        return m;
    }

    private Buffer use(cl_mem m, long cap) {
        inUse += cap;
        peak = Math.max(peak, inUse);
        return new Buffer(m, cap);
    }

    /** A live buffer comes back for reuse (from the storage's cleaner). */
    synchronized void release(Buffer b) {
        inUse -= b.capacity();
        pooled += b.capacity();
        free.computeIfAbsent(b.capacity(), c -> new ArrayDeque<>()).push(b.mem());
    }

    /** Gives every free buffer back to the driver. */
    synchronized void releaseFree() {
        for (ArrayDeque<cl_mem> q : free.values()) for (cl_mem m : q) clReleaseMemObject(m);
        free.clear();
        pooled = 0;
    }

    synchronized long inUse() { return inUse; }
    synchronized long pooled() { return pooled; }
    synchronized long peak() { return peak; }
    /** Buffers made by the driver so far (the rest were reused). */
    synchronized long created() { return created; }
    /** Collections this pool asked for. */
    synchronized long collections() { return collections; }
}
