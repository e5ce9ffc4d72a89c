package org.crld4j.kernels.opencl;

/** An OpenCL call failed; the message names the device, the call and the driver's error code. */
public class OpenClException extends RuntimeException {
    public OpenClException(String message) { super(message); }

    public OpenClException(String message, Throwable cause) { super(message, cause); }
}
