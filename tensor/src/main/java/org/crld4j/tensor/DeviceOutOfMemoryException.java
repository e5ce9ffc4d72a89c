package org.crld4j.tensor;

/**
 * A device could not hold what was asked (after its pool was emptied and the collector run):
 * the message names the device, the bytes asked and the bytes in use. Nothing is half done; the
 * caller may free tensors and retry, or stop cleanly.
 */
public class DeviceOutOfMemoryException extends RuntimeException {
    public DeviceOutOfMemoryException(String message) { super(message); }

    public DeviceOutOfMemoryException(String message, Throwable cause) { super(message, cause); }
}
