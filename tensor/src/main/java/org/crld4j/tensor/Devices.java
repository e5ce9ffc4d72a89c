package org.crld4j.tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The devices tensors can live on and the default one for new tensors, chosen once at start-up
 * from {@code -Dcrld4j.device} or {@code CRLD4J_DEVICE} (default {@code cpu}) and logged.
 */
public final class Devices {
    private static final Map<String, Device> KNOWN = new LinkedHashMap<>();
    private static volatile Device defaultDevice;

    static { KNOWN.put("cpu", Device.CPU); }

    private Devices() {}

    /** Makes a device known by its name (what an accelerator backend does when it starts). */
    public static synchronized void register(Device d) { KNOWN.put(d.name(), d); }

    /** The device of that name; an unknown one fails listing the known ones. */
    public static synchronized Device get(String name) {
        Device d = KNOWN.get(name);
        if (d == null) throw new IllegalArgumentException("unknown device '" + name + "'; available: " + String.join(", ", KNOWN.keySet()));
        return d;
    }

    /** Where new tensors are allocated unless a device is named. */
    public static Device defaultDevice() {
        Device d = defaultDevice;
        if (d == null) {
            synchronized (Devices.class) {
                if (defaultDevice == null) {
                    String wanted = System.getProperty("crld4j.device", System.getenv("CRLD4J_DEVICE"));
                    defaultDevice = wanted == null || wanted.isBlank() ? Device.CPU : get(wanted.trim());
                    System.getLogger("org.crld4j").log(System.Logger.Level.INFO, "crld4j default device: " + defaultDevice.name()
                            + " (" + defaultDevice.backend().describe() + ")");
                }
                d = defaultDevice;
            }
        }
        return d;
    }

    /** The one device all of {@code ts} (nulls skipped) live on; tensors on two devices fail naming both. */
    public static Device common(String op, Tensor... ts) {
        Device d = null;
        for (Tensor t : ts) {
            if (t == null) continue;
            Device e = t.device();
            if (d == null) d = e;
            else if (d != e)
                throw new IllegalArgumentException(op + ": tensors on two devices, " + d.name() + " and " + e.name()
                        + "; move one with to(device) or cpu()");
        }
        return d == null ? defaultDevice() : d;
    }
}
