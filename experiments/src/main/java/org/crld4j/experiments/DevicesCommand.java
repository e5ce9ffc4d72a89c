package org.crld4j.experiments;

import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceProvider;
import org.crld4j.tensor.DeviceStats;
import org.crld4j.tensor.Devices;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * `crld devices`: every accelerator platform and device (OpenCL: name, vendor, version, global
 * memory, compute units), which device a bare kind and the default would use, and why there are
 * none where there are none. Listing exits 0 either way; {@code --device NAME} also opens that
 * device and exits 2, naming what is present, if it cannot be used.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List the OpenCL platforms and devices, and the device that would be used.")
final class DevicesCommand implements Callable<Integer> {
    @Option(names = "--device", paramLabel = "NAME", description = "Also open this device (cpu, opencl, opencl:N) and fail (exit 2) if it cannot be used.")
    String device;

    @Override public Integer call() {
        System.out.println("cpu       the host (always present)");
        for (DeviceProvider p : Devices.providers()) {
            DeviceProvider.Inventory inv = p.inventory();
            System.out.println();
            System.out.println(p.kind() + ": " + inv.devices().size() + " device" + (inv.devices().size() == 1 ? "" : "s"));
            int bare = inv.devices().isEmpty() ? -1 : p.defaultIndex();
            for (int i = 0; i < inv.devices().size(); i++) {
                DeviceProvider.Info d = inv.devices().get(i);
                System.out.printf("%-9s %s (%s)%s%n", d.id(), d.name(), d.type(), i == bare ? "   <- used by --device " + p.kind() : "");
                System.out.printf("          platform %s%n", d.platform());
                System.out.printf("          vendor %s, %s%n", d.vendor(), d.version());
                System.out.printf("          %s global memory, %d compute units%n", DeviceStats.bytes(d.globalMemoryBytes()), d.computeUnits());
            }
            for (String n : inv.notes()) System.out.println("  " + n);
        }
        String wanted = Devices.requestedDefault();
        System.out.println();
        System.out.println("default device: " + wanted + (wanted.equals("cpu") ? "" : " (from -Dcrld4j.device / CRLD4J_DEVICE)")
                + "; -Dcrld4j.device or CRLD4J_DEVICE chooses another");
        if (device != null) {
            Device d = Devices.get(device); // an unknown or absent device fails here with exit 2, naming what is present
            System.out.println(device + ": opened " + d.name() + ", " + d.backend().describe());
        }
        return 0;
    }
}
