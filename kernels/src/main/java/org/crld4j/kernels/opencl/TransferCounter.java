package org.crld4j.kernels.opencl;

import java.util.concurrent.atomic.AtomicLong;

/** Host-to-device uploads and device-to-host downloads of one device since it was opened: count and bytes. */
final class TransferCounter {
    private final AtomicLong uploads = new AtomicLong(), uploadBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong(), downloadBytes = new AtomicLong();

    void upload(long bytes) { uploads.incrementAndGet(); uploadBytes.addAndGet(bytes); }

    void download(long bytes) { downloads.incrementAndGet(); downloadBytes.addAndGet(bytes); }

    long uploads() { return uploads.get(); }
    long uploadBytes() { return uploadBytes.get(); }
    long downloads() { return downloads.get(); }
    long downloadBytes() { return downloadBytes.get(); }
}
