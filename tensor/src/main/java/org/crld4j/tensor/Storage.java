package org.crld4j.tensor;

/**
 * The memory behind a tensor, on one {@link Device}. Tensors never touch memory directly: they
 * hold a storage, an offset, a shape and strides. Host arrays are reachable only through
 * {@link #array()}, which device storages refuse: host backends and the explicit boundaries
 * (checkpoint and .pth I/O, data loading, printing) use it; everything else goes through the
 * backend.
 */
public interface Storage {
    /** Number of float32 elements. */
    int length();

    Device device();

    /** The host array holding the data. Device storages refuse, naming the device. */
    float[] array();

    /** Host storage over a Java float array. */
    record Host(float[] data) implements Storage {
        @Override public int length() { return data.length; }
        @Override public Device device() { return Device.CPU; }
        @Override public float[] array() { return data; }
    }
}
