package org.crld4j.tensor;

/**
 * The memory behind a tensor. Tensors never touch memory directly: they hold a storage, an offset,
 * a shape and strides. Only host (CPU) storage exists today; a device backend will add its own
 * implementation and move data only at explicit boundaries ({@link #array()} is such a boundary).
 */
public interface Storage {
    /** Number of float32 elements. */
    int length();

    /** Where the data lives, e.g. {@code "cpu"}. */
    String device();

    /** The host array holding the data. Device storages refuse, naming the device. */
    float[] array();

    /** Host storage over a Java float array. */
    record Host(float[] data) implements Storage {
        @Override public int length() { return data.length; }
        @Override public String device() { return "cpu"; }
        @Override public float[] array() { return data; }
    }
}
