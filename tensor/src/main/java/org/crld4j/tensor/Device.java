package org.crld4j.tensor;

/**
 * Where a tensor's storage lives and which backend computes on it, PyTorch's torch.device. The
 * host ({@link #CPU}) is computed by the host backend chosen at start-up ({@code cpu}, or
 * {@code reference} for the plain loops); accelerator backends bring devices of their own.
 */
public interface Device {
    /** {@code "cpu"}, {@code "opencl:0"}, ... */
    String name();

    /** The backend that computes on this device. */
    Backend backend();

    /** Whether the storage is a Java array reachable by the host. */
    boolean isHost();

    /** A copy of {@code n} floats from this device's storage into a new host array. */
    float[] download(Storage storage);

    /** New storage on this device holding a copy of {@code data}. */
    Storage upload(float[] data);

    /** Transfers and memory use so far; the host moves nothing and reports {@link DeviceStats#NONE}. */
    default DeviceStats stats() { return DeviceStats.NONE; }

    /** Waits until everything queued on this device has run (accelerators queue work; the host does not). */
    default void synchronize() {}

    Device CPU = new Device() {
        @Override public String name() { return "cpu"; }
        @Override public Backend backend() { return Backends.host(); }
        @Override public boolean isHost() { return true; }
        @Override public float[] download(Storage s) { return s.array().clone(); }
        @Override public Storage upload(float[] data) { return new Storage.Host(data.clone()); }
        @Override public String toString() { return name(); }
    };
}
