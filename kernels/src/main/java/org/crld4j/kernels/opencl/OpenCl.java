package org.crld4j.kernels.opencl;

import org.crld4j.tensor.DeviceProvider;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.*;

/**
 * The OpenCL runtime of this process, started at first use (never by merely loading crld4j):
 * loads JOCL's JNI library (which dlopens {@code libOpenCL.so.1}), lists every platform and
 * device once, and opens a {@link ClDevice} per index on request. Devices are numbered across
 * platforms in platform order, as {@code crld devices} lists them.
 */
final class OpenCl {
    /** Where an OpenCL-less machine gets one (Debian: the ICD loader and PoCL's CPU driver). */
    static final String INSTALL_HINT = "on Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd (CPU), or a GPU vendor's OpenCL driver";

    private static OpenCl runtime;

    /** A device found at start-up, with its platform. */
    record Found(int index, cl_platform_id platform, cl_device_id device, ClDeviceInfo info) {}

    private final List<Found> found;
    private final List<String> notes;
    private final String unavailable; // why there is no runtime at all, or null
    private final ClDevice[] open;

    private OpenCl(List<Found> found, List<String> notes, String unavailable) {
        this.found = List.copyOf(found);
        this.notes = List.copyOf(notes);
        this.unavailable = unavailable;
        this.open = new ClDevice[found.size()];
    }

    /** The runtime, started on the first call; never throws (what failed is kept and reported). */
    static synchronized OpenCl runtime() {
        if (runtime == null) runtime = discover();
        return runtime;
    }

    private static OpenCl discover() {
        try {
            CL.setExceptionsEnabled(true);
        } catch (LinkageError e) { // no JNI library for this platform, or no libOpenCL.so.1 to dlopen
            return new OpenCl(List.of(), List.of(), "the OpenCL library could not be loaded (" + e + "); " + INSTALL_HINT);
        }
        List<Found> found = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        cl_platform_id[] platforms;
        try {
            int[] n = new int[1];
            clGetPlatformIDs(0, null, n);
            platforms = new cl_platform_id[n[0]];
            if (n[0] > 0) clGetPlatformIDs(n[0], platforms, null);
        } catch (CLException e) { // ocl-icd answers CL_PLATFORM_NOT_FOUND_KHR when no driver is installed
            platforms = new cl_platform_id[0];
        } catch (LinkageError e) {
            return new OpenCl(List.of(), List.of(), "the OpenCL library could not be loaded (" + e + "); " + INSTALL_HINT);
        }
        if (platforms.length == 0)
            return new OpenCl(List.of(), List.of(), "the OpenCL loader found no platform (no driver's .icd file in /etc/OpenCL/vendors, "
                    + "or OCL_ICD_VENDORS points elsewhere); " + INSTALL_HINT);
        for (cl_platform_id p : platforms) {
            String pname = platformString(p, CL_PLATFORM_NAME);
            cl_device_id[] devices;
            try {
                int[] n = new int[1];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                devices = new cl_device_id[n[0]];
                if (n[0] > 0) clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n[0], devices, null);
            } catch (CLException e) {
                notes.add("platform '" + pname + "': no devices (" + CL.stringFor_errorCode(e.getStatus()) + ")");
                continue;
            }
            if (devices.length == 0) notes.add("platform '" + pname + "': no devices");
            for (cl_device_id d : devices) found.add(new Found(found.size(), p, d, ClDeviceInfo.read(p, d)));
        }
        return new OpenCl(found, notes, null);
    }

    /** For {@code crld devices}: every device with its platform, and what was noticed. */
    DeviceProvider.Inventory inventory() {
        List<DeviceProvider.Info> infos = new ArrayList<>();
        for (Found f : found) {
            ClDeviceInfo i = f.info();
            infos.add(new DeviceProvider.Info("opencl:" + f.index(), i.platformName() + " (" + i.platformVersion() + ")", i.name(), i.vendor(),
                    i.version(), i.globalMemoryBytes(), i.computeUnits(), i.type()));
        }
        List<String> n = new ArrayList<>(notes);
        if (unavailable != null) n.add(0, "no OpenCL: " + unavailable);
        return new DeviceProvider.Inventory(infos, n);
    }

    /** A bare {@code opencl}: the first GPU if there is one, else device 0. */
    int defaultIndex() {
        requireAny("opencl");
        for (Found f : found) if (f.info().isGpu()) return f.index();
        return 0;
    }

    /** The opened device of that index (opened once). */
    synchronized ClDevice device(int index) {
        String asked = "opencl:" + index;
        requireAny(asked);
        if (index < 0 || index >= found.size())
            throw new IllegalArgumentException("device '" + asked + "' does not exist: " + found.size() + " OpenCL device"
                    + (found.size() == 1 ? "" : "s") + " present: " + present());
        if (open[index] == null) {
            Found f = found.get(index);
            open[index] = new ClDevice("opencl:" + index, f.platform(), f.device(), f.info());
        }
        return open[index];
    }

    private void requireAny(String asked) {
        if (unavailable != null) throw new IllegalArgumentException("device '" + asked + "' was asked for, but " + unavailable);
        if (found.isEmpty())
            throw new IllegalArgumentException("device '" + asked + "' was asked for, but no OpenCL platform has a device: " + String.join("; ", notes));
    }

    private String present() {
        List<String> s = new ArrayList<>();
        for (Found f : found) s.add("opencl:" + f.index() + " = " + f.info().name() + " (" + f.info().platformName() + ")");
        return String.join(", ", s);
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return cString(b);
    }

    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null);
        return v[0];
    }

    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null);
        return v[0];
    }

    static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
