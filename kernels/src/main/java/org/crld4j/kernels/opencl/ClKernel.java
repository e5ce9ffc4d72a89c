package org.crld4j.kernels.opencl;

import org.jocl.cl_kernel;

/** A compiled kernel, its name and the program it came from (for messages). Launch it with {@link ClDevice#launch}. */
public record ClKernel(cl_kernel kernel, String name, String program) {
    @Override public String toString() { return name + " (" + program + ")"; }
}
