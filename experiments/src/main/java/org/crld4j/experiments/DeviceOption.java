package org.crld4j.experiments;

import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;
import picocli.CommandLine.Option;

/** {@code --device}, shared by every command that computes. */
final class DeviceOption {
    @Option(names = "--device",
            description = "Where to compute: cpu (default), opencl or opencl:N (see `crld devices`); CRLD4J_DEVICE likewise.")
    String device;

    /**
     * Makes the chosen device the default before any model or tensor is built, so that every
     * parameter, buffer and activation is made there. An unknown name, or an OpenCL device that is
     * not present, fails here naming what was asked and what exists.
     */
    Device select() {
        Device d = device == null ? Devices.defaultDevice() : Devices.get(device.trim());
        Devices.setDefault(d);
        return d;
    }

    /** Whether the run computes on the host (read from the option and the environment, no device touched). */
    boolean isHost() {
        String d = device != null ? device : System.getProperty("crld4j.device", System.getenv("CRLD4J_DEVICE"));
        return d == null || d.isBlank() || d.trim().equals("cpu");
    }
}
