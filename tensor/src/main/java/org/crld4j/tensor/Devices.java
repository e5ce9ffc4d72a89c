package org.crld4j.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The devices tensors can live on and the default one for new tensors, chosen once at start-up
 * from {@code -Dcrld4j.device} or {@code CRLD4J_DEVICE} (default {@code cpu}) and logged.
 * Accelerators are named {@code KIND} or {@code KIND:N} ({@code opencl}, {@code opencl:1}) and
 * opened on first request through the {@link DeviceProvider} of that kind.
 */
public final class Devices {
    private static final Map<String, Device> KNOWN = new LinkedHashMap<>();
    private static volatile Device defaultDevice;
    private static List<DeviceProvider> providers;

    static { KNOWN.put("cpu", Device.CPU); }

    private Devices() {}

    /** Makes a device known by its name (what an accelerator backend does when it starts). */
    public static synchronized void register(Device d) { KNOWN.put(d.name(), d); }

    /**
     * The device of that name: {@code cpu}, a registered one, or {@code KIND[:N]} opened through
     * its provider (a bare {@code KIND} is the provider's default device, registered under both
     * names). An unknown name fails listing the known devices and kinds; a provider's failure (no
     * runtime, index out of range) propagates with its message.
     */
    public static synchronized Device get(String name) {
        Device d = KNOWN.get(name);
        if (d != null) return d;
        int colon = name.indexOf(':');
        String kind = colon < 0 ? name : name.substring(0, colon);
        DeviceProvider p = provider(kind);
        if (p == null)
            throw new IllegalArgumentException("unknown device '" + name + "'; available: " + String.join(", ", KNOWN.keySet())
                    + (providerKinds().isEmpty() ? "" : ", and on request " + String.join(", ", providerKinds().stream().map(k -> k + "[:N]").toList())));
        int index;
        if (colon < 0) index = p.defaultIndex();
        else {
            try {
                index = Integer.parseInt(name.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + name + "': expected " + kind + " or " + kind + ":N with N a device index");
            }
        }
        d = p.open(index);
        KNOWN.put(d.name(), d);
        KNOWN.put(name, d);
        return d;
    }

    /** The provider of accelerator devices of that kind, or null. */
    public static synchronized DeviceProvider provider(String kind) {
        for (DeviceProvider p : providers()) if (p.kind().equals(kind)) return p;
        return null;
    }

    /** Every accelerator provider on the class path (ServiceLoader), loaded once; none starts its runtime here. */
    public static synchronized List<DeviceProvider> providers() {
        if (providers == null) {
            List<DeviceProvider> found = new ArrayList<>();
            ServiceLoader.load(DeviceProvider.class).forEach(found::add);
            providers = List.copyOf(found);
        }
        return providers;
    }

    private static List<String> providerKinds() { return providers().stream().map(DeviceProvider::kind).toList(); }

    /** The name the default device is (or would be) chosen by: the property, the variable, else {@code cpu}. */
    public static String requestedDefault() {
        String wanted = System.getProperty("crld4j.device", System.getenv("CRLD4J_DEVICE"));
        return wanted == null || wanted.isBlank() ? "cpu" : wanted.trim();
    }

    /** Where new tensors are allocated unless a device is named. */
    public static Device defaultDevice() {
        Device d = defaultDevice;
        if (d == null) {
            synchronized (Devices.class) {
                if (defaultDevice == null) {
                    defaultDevice = get(requestedDefault());
                    System.getLogger("org.crld4j").log(System.Logger.Level.INFO, "crld4j default device: " + defaultDevice.name()
                            + " (" + defaultDevice.backend().describe() + ")");
                }
                d = defaultDevice;
            }
        }
        return d;
    }

    /**
     * Chooses the default device explicitly (what {@code --device} does), before the first tensor
     * is made; logged as the start-up choice is. Tensors made earlier stay where they are.
     */
    public static synchronized void setDefault(Device d) {
        if (defaultDevice == d) return;
        defaultDevice = d;
        System.getLogger("org.crld4j").log(System.Logger.Level.INFO, "crld4j default device: " + d.name() + " (" + d.backend().describe() + ")");
    }

    /**
     * The host and every accelerator device present (each provider's listing, opened in index
     * order): what a test runs its cases on. Nothing present beyond the host is not an error.
     */
    public static synchronized List<Device> all() {
        List<Device> out = new ArrayList<>(List.of(Device.CPU));
        for (DeviceProvider p : providers())
            for (int i = 0; i < p.inventory().devices().size(); i++) out.add(get(p.kind() + ":" + i));
        return out;
    }

    /** Restores the default device a {@link #using} scope replaced. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }

    /**
     * {@code device} as the default until the scope closes, as PyTorch's {@code with
     * torch.device(d):}: models built inside it have their parameters and buffers there.
     */
    public static synchronized Scope using(Device device) {
        Device previous = defaultDevice();
        defaultDevice = device;
        return () -> { synchronized (Devices.class) { defaultDevice = previous; } };
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
