package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Device;
import org.crld4j.tensor.Storage;
import org.jocl.cl_mem;

import java.lang.ref.Cleaner;

/**
 * {@code length} floats in a device buffer of the pool. The buffer goes back to the pool when this
 * storage becomes unreachable (a Cleaner; the in-order queue guarantees every kernel that used it
 * was enqueued before, so the next user runs after them). {@link #array()} refuses: device memory
 * is read through {@link ClDevice#download} ({@code Tensor.toArray()} / {@code cpu()}).
 */
public final class ClStorage implements Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final ClDevice device;
    private final int length;
    private final BufferPool.Buffer buffer;

    ClStorage(ClDevice device, int length, BufferPool.Buffer buffer) {
        this.device = device;
        this.length = length;
        this.buffer = buffer;
        CLEANER.register(this, new Return(device.pool(), buffer));
    }

    /** What the cleaner runs; holds no reference to the storage. */
    private record Return(BufferPool pool, BufferPool.Buffer buffer) implements Runnable {
        @Override public void run() { pool.release(buffer); }
    }

    @Override public int length() { return length; }

    @Override public Device device() { return device; }

    @Override public float[] array() {
        throw new UnsupportedOperationException("storage on " + device.name() + " is device memory, not a host array; "
                + "read it with toArray() or cpu()");
    }

    /** The OpenCL buffer (at least {@code 4 * length} bytes). Keep this storage reachable while a kernel is being enqueued with it. */
    public cl_mem mem() { return buffer.mem(); }

    @Override public String toString() { return "ClStorage[" + length + " floats on " + device.name() + "]"; }
}
