package org.crld4j.kernels.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import static org.jocl.CL.*;

/** What the runtime reports about one device and its platform, read once when the platform is listed. */
record ClDeviceInfo(String platformName, String platformVendor, String platformVersion, String name, String vendor,
                    String version, String openclC, String type, long globalMemoryBytes, long maxAllocBytes,
                    long localMemoryBytes, int computeUnits, long maxWorkGroupSize, boolean correctlyRoundedDivSqrt) {

    static ClDeviceInfo read(cl_platform_id p, cl_device_id d) {
        long type = OpenCl.deviceLong(d, CL_DEVICE_TYPE);
        long fp = OpenCl.deviceLong(d, CL_DEVICE_SINGLE_FP_CONFIG);
        return new ClDeviceInfo(OpenCl.platformString(p, CL_PLATFORM_NAME), OpenCl.platformString(p, CL_PLATFORM_VENDOR),
                OpenCl.platformString(p, CL_PLATFORM_VERSION), OpenCl.deviceString(d, CL_DEVICE_NAME), OpenCl.deviceString(d, CL_DEVICE_VENDOR),
                OpenCl.deviceString(d, CL_DEVICE_VERSION), OpenCl.deviceString(d, CL_DEVICE_OPENCL_C_VERSION), typeName(type),
                OpenCl.deviceLong(d, CL_DEVICE_GLOBAL_MEM_SIZE), OpenCl.deviceLong(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                OpenCl.deviceLong(d, CL_DEVICE_LOCAL_MEM_SIZE), OpenCl.deviceInt(d, CL_DEVICE_MAX_COMPUTE_UNITS),
                OpenCl.deviceSize(d, CL_DEVICE_MAX_WORK_GROUP_SIZE), (fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0);
    }

    boolean isGpu() { return type.equals("GPU"); }

    private static String typeName(long t) {
        if ((t & CL_DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((t & CL_DEVICE_TYPE_CPU) != 0) return "CPU";
        if ((t & CL_DEVICE_TYPE_ACCELERATOR) != 0) return "accelerator";
        return "other";
    }

    /** "name (platform)", for error messages. */
    String where() { return "'" + name + "' of platform '" + platformName + "' (" + platformVersion + ")"; }
}
