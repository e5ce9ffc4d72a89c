package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Device;
import org.crld4j.tensor.DeviceProvider;

/**
 * Makes {@code opencl} and {@code opencl:N} known to {@link org.crld4j.tensor.Devices#get} (a
 * ServiceLoader entry). Loading this class touches no OpenCL; the runtime starts at the first
 * listing or device request.
 */
public final class OpenClDeviceProvider implements DeviceProvider {
    @Override public String kind() { return "opencl"; }

    @Override public Inventory inventory() { return OpenCl.runtime().inventory(); }

    @Override public Device open(int index) { return OpenCl.runtime().device(index); }

    @Override public int defaultIndex() { return OpenCl.runtime().defaultIndex(); }
}
