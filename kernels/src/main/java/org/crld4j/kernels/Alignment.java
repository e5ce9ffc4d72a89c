package org.crld4j.kernels;

import java.lang.management.ManagementFactory;

/** Where float-array data sits relative to cache lines, from the JVM's object layout. */
final class Alignment {
    private Alignment() {}

    /** The JVM's object alignment in bytes (8 unless -XX:ObjectAlignmentInBytes says otherwise). */
    static int objectAlignment() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Integer.parseInt(bean.getVMOption("ObjectAlignmentInBytes").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 8; // not HotSpot, or management unavailable: assume the default
        }
    }

    /**
     * Floats to skip at the start of a float[] so that index {@code pad} is aligned to
     * {@code bytes}; 0 when the JVM's object alignment cannot guarantee it.
     */
    static int padFloats(int bytes) {
        int align = objectAlignment();
        if (align < bytes) return 0;
        int base = sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET;
        return ((bytes - base % bytes) % bytes) / Float.BYTES;
    }
}
