package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceOutOfMemoryException;
import org.crld4j.tensor.DeviceStats;
import org.crld4j.tensor.Storage;
import org.crld4j.tensor.Tensor;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;

import java.lang.ref.Reference;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * One OpenCL device: its context, one in-order command queue, the buffer pool, the program cache
 * and the transfer counter. Kernels are enqueued without waiting ({@link #launch}); the host
 * waits only where it reads ({@link #download}), writes from a Java array ({@link #upload}, which
 * JOCL allows only blocking) or asks ({@link #synchronize}). Index errors found by kernels
 * (gather, scatter, one-hot, cross-entropy) are written to a small fault buffer and thrown at the
 * next read; that buffer's read is bookkeeping, not counted in {@link #stats()}'s transfers.
 */
public final class ClDevice implements Device {
    private final String name;
    private final ClDeviceInfo info;
    private final cl_device_id id;
    private final cl_context context;
    private final cl_command_queue queue;
    private final BufferPool pool;
    private final ProgramCache programs;
    private final TransferCounter transfers = new TransferCounter();
    private final OpenClBackend backend;
    private final int localSize;

    /** Kernels that can fault record (site, bad value bits) here; sites are described on the host. */
    private final cl_mem faults;
    private final Map<Integer, String> faultSites = new LinkedHashMap<>(16, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<Integer, String> e) { return size() > 4096; }
    };
    private int nextSite = 1;
    private boolean faultsPending;

    ClDevice(String name, cl_platform_id platform, cl_device_id id, ClDeviceInfo info) {
        this.name = name;
        this.info = info;
        this.id = id;
        try {
            cl_context_properties props = new cl_context_properties();
            props.addProperty(CL_CONTEXT_PLATFORM, platform);
            context = clCreateContext(props, 1, new cl_device_id[] {id}, null, null, null);
            // in order (no CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE): a kernel sees every earlier one's writes
            queue = clCreateCommandQueue(context, id, 0, null);
            faults = clCreateBuffer(context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 4L * Sizeof.cl_int, Pointer.to(new int[4]), null);
        } catch (CLException e) {
            throw new OpenClException(name + ": could not open device " + info.where() + ": " + stringFor_errorCode(e.getStatus()), e);
        }
        pool = new BufferPool(name, context, info.globalMemoryBytes(), info.maxAllocBytes());
        programs = new ProgramCache(this, context, id, info.correctlyRoundedDivSqrt());
        localSize = (int) Math.min(256, Long.highestOneBit(Math.max(1, info.maxWorkGroupSize())));
        backend = new OpenClBackend(this);
    }

    @Override public String name() { return name; }

    @Override public Backend backend() { return backend; }

    @Override public boolean isHost() { return false; }

    /** What the runtime reports about this device. */
    ClDeviceInfo info() { return info; }

    BufferPool pool() { return pool; }

    cl_context context() { return context; }

    /** The work-group size of 1-D kernels on this device: 256, or the device's maximum if smaller (a power of two). */
    public int localSize() { return localSize; }

    /** Programs compiled so far on this device. */
    public synchronized int programsBuilt() { return programs.size(); }

    // ---------------------------------------------------------------- memory

    /** New storage of {@code n} floats, zero-filled if asked (results a kernel writes in full need not be). */
    public synchronized ClStorage allocate(int n, boolean zero) {
        ClStorage s = new ClStorage(this, n, pool.acquire(4L * Math.max(n, 1)));
        if (zero && n > 0) {
            try {
                clEnqueueFillBuffer(queue, s.mem(), Pointer.to(new float[] {0f}), Sizeof.cl_float, 0, 4L * n, 0, null, null);
            } catch (CLException e) {
                throw failure("clEnqueueFillBuffer of " + n + " floats", e);
            }
        }
        return s;
    }

    /** A dense device tensor of {@code shape}, not zero-filled: for results a kernel writes in full. */
    public Tensor empty(int... shape) { return Tensor.over(allocate(org.crld4j.tensor.Shapes.numel(shape), false), shape); }

    @Override public synchronized float[] download(Storage storage) {
        ClStorage s = own(storage, "download");
        float[] out = new float[s.length()];
        if (out.length > 0) {
            try {
                clEnqueueReadBuffer(queue, s.mem(), CL_TRUE, 0, 4L * out.length, Pointer.to(out), 0, null, null);
            } catch (CLException e) {
                throw failure("reading " + out.length + " floats back", e);
            }
            transfers.download(4L * out.length);
        }
        checkFaults();
        Reference.reachabilityFence(s);
        return out;
    }

    @Override public synchronized Storage upload(float[] data) {
        ClStorage s = allocate(data.length, false);
        if (data.length > 0) {
            try { // blocking: JOCL allows non-blocking writes only from direct buffers
                clEnqueueWriteBuffer(queue, s.mem(), CL_TRUE, 0, 4L * data.length, Pointer.to(data), 0, null, null);
            } catch (CLException e) {
                throw failure("writing " + data.length + " floats", e);
            }
            transfers.upload(4L * data.length);
        }
        return s;
    }

    @Override public DeviceStats stats() {
        return new DeviceStats(transfers.uploads(), transfers.uploadBytes(), transfers.downloads(), transfers.downloadBytes(),
                pool.inUse(), pool.pooled(), pool.peak());
    }

    @Override public synchronized void synchronize() {
        try {
            clFinish(queue);
        } catch (CLException e) {
            throw failure("clFinish", e);
        }
        checkFaults();
    }

    /** The device storage of a tensor of this device (a tensor elsewhere fails naming both devices). */
    ClStorage own(Storage s, String op) {
        if (s instanceof ClStorage c && c.device() == this) return c;
        throw new IllegalArgumentException(op + ": storage on " + s.device().name() + " given to " + name);
    }

    ClStorage own(Tensor t, String op) { return own(t.storage(), op); }

    // ---------------------------------------------------------------- kernels

    /** The kernel {@code kernel} of resource {@code source}.cl built with {@code options} (cached per device, source and options). */
    public synchronized ClKernel kernel(String source, String options, String kernel) { return programs.kernel(source, options, kernel); }

    /** Local memory of {@code bytes} as a kernel argument. */
    public record Local(long bytes) {}

    /** The fault buffer as a kernel argument, with a new site id described by {@code description} (e.g. "gather: index out of range [0, 5) in dim 1"). */
    public record Fault(cl_mem mem, int site) {}

    public synchronized Fault fault(String description) {
        int site = nextSite++;
        if (nextSite == Integer.MAX_VALUE) nextSite = 1;
        faultSites.put(site, description);
        faultsPending = true;
        return new Fault(faults, site);
    }

    /**
     * Sets the arguments and enqueues {@code k} over {@code global} work-items (rounded up to
     * multiples of {@code local}; null lets the driver choose) without waiting. Arguments:
     * {@link ClStorage} or {@link Tensor} (its buffer; pass its offset and strides yourself),
     * Integer, Float, int[] of 2, 4, 8 or 16 (an intN vector), {@link Local}, {@link Fault}
     * (two arguments: the buffer and the site id). A zero-sized range enqueues nothing.
     */
    public synchronized void launch(ClKernel k, long[] global, long[] local, Object... args) {
        long[] g = global.clone();
        for (int d = 0; d < g.length; d++) {
            if (g[d] == 0) return;
            if (local != null) g[d] = (g[d] + local[d] - 1) / local[d] * local[d];
        }
        int i = 0;
        try {
            for (Object a : args) {
                switch (a) {
                    case ClStorage s -> clSetKernelArg(k.kernel(), i++, Sizeof.cl_mem, Pointer.to(s.mem()));
                    case Tensor t -> clSetKernelArg(k.kernel(), i++, Sizeof.cl_mem, Pointer.to(own(t, k.name()).mem()));
                    case Integer v -> clSetKernelArg(k.kernel(), i++, Sizeof.cl_int, Pointer.to(new int[] {v}));
                    case Float v -> clSetKernelArg(k.kernel(), i++, Sizeof.cl_float, Pointer.to(new float[] {v}));
                    case int[] v -> {
                        if (v.length != 2 && v.length != 4 && v.length != 8 && v.length != 16)
                            throw new IllegalArgumentException(k + ": an int vector argument has 2, 4, 8 or 16 lanes, got " + v.length);
                        clSetKernelArg(k.kernel(), i++, (long) Sizeof.cl_int * v.length, Pointer.to(v));
                    }
                    case Local l -> clSetKernelArg(k.kernel(), i++, l.bytes(), null);
                    case Fault f -> {
                        clSetKernelArg(k.kernel(), i++, Sizeof.cl_mem, Pointer.to(f.mem()));
                        clSetKernelArg(k.kernel(), i++, Sizeof.cl_int, Pointer.to(new int[] {f.site()}));
                    }
                    default -> throw new IllegalArgumentException(k + ": argument " + i + " of unsupported type " + a.getClass().getName());
                }
            }
            clEnqueueNDRangeKernel(queue, k.kernel(), g.length, null, g, local, 0, null, null);
        } catch (CLException e) {
            throw failure("launching " + k + " (argument " + i + " of " + args.length + ", global " + java.util.Arrays.toString(g)
                    + ", local " + java.util.Arrays.toString(local) + ")", e);
        } finally {
            Reference.reachabilityFence(args); // the storages must not be cleaned (and their buffers reused) before the enqueue
        }
    }

    /** Throws the first index error a kernel recorded since the last check, if any. Called with the lock held. */
    private void checkFaults() {
        if (!faultsPending) return;
        int[] f = new int[4];
        try {
            clEnqueueReadBuffer(queue, faults, CL_TRUE, 0, 4L * Sizeof.cl_int, Pointer.to(f), 0, null, null);
        } catch (CLException e) {
            throw failure("reading the fault word", e);
        }
        faultsPending = false;
        if (f[0] == 0) return;
        clEnqueueWriteBuffer(queue, faults, CL_TRUE, 0, 4L * Sizeof.cl_int, Pointer.to(new int[4]), 0, null, null);
        String site = faultSites.getOrDefault(f[0], "an index kernel");
        throw new IndexOutOfBoundsException(name + ": " + site + ": got index " + Float.intBitsToFloat(f[1])
                + " (found by the kernel, reported at the next read from the device)");
    }

    private RuntimeException failure(String what, CLException e) {
        String code = stringFor_errorCode(e.getStatus());
        if (BufferPool.isOutOfMemory(e.getStatus()))
            return new DeviceOutOfMemoryException(name + ": out of device memory while " + what + " (" + code + "), with "
                    + DeviceStats.bytes(pool.inUse()) + " in use by live tensors", e);
        return new OpenClException(name + " (" + info.where() + "): " + what + " failed: " + code, e);
    }

    @Override public String toString() { return name; }
}
