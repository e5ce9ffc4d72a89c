package org.crld4j.tensor;

import java.util.List;

/**
 * A family of accelerator devices ({@code opencl}, later perhaps {@code cuda}) found by
 * {@link java.util.ServiceLoader}: {@link Devices#get} asks the provider of {@code KIND} for
 * {@code "KIND"} and {@code "KIND:N"}. Providers start their runtime only when a device or the
 * listing is asked for, so host users pay nothing and machines without the runtime keep working.
 * This interface stays free of any native binding; the kernels module implements it.
 */
public interface DeviceProvider {
    /** The name before the colon, e.g. {@code "opencl"}. */
    String kind();

    /** Every device present, in index order, and notes on what could not be used. Never throws for "none present". */
    Inventory inventory();

    /**
     * The device of that index (the same object on every call); a missing runtime or an index out
     * of range fails with a message naming what was asked and what is present.
     */
    Device open(int index);

    /** The index a bare {@code "KIND"} means (e.g. the first GPU, else the first device); fails like {@link #open}. */
    int defaultIndex();

    /** One device as listed by {@code crld devices}. */
    record Info(String id, String platform, String name, String vendor, String version, long globalMemoryBytes,
                int computeUnits, String type) {}

    /** The devices found and notes (no loader, a platform without devices, ...), for listing. */
    record Inventory(List<Info> devices, List<String> notes) {
        public Inventory {
            devices = List.copyOf(devices);
            notes = List.copyOf(notes);
        }
    }
}
