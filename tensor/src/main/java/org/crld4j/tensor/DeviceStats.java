package org.crld4j.tensor;

/**
 * What a device has moved and holds: host-to-device uploads and device-to-host downloads (count
 * and bytes) since start-up, and device memory in use by live tensors, kept in its pool for reuse,
 * and the peak in use. Subtract two snapshots ({@link #minus}) to count the transfers of a step.
 */
public record DeviceStats(long uploads, long uploadBytes, long downloads, long downloadBytes,
                          long bytesInUse, long bytesPooled, long peakBytesInUse) {
    public static final DeviceStats NONE = new DeviceStats(0, 0, 0, 0, 0, 0, 0);

    /** Transfers between {@code earlier} and this snapshot; the memory figures are this snapshot's. */
    public DeviceStats minus(DeviceStats earlier) {
        return new DeviceStats(uploads - earlier.uploads, uploadBytes - earlier.uploadBytes, downloads - earlier.downloads,
                downloadBytes - earlier.downloadBytes, bytesInUse, bytesPooled, peakBytesInUse);
    }

    public long transfers() { return uploads + downloads; }

    @Override public String toString() {
        return String.format("%d uploads (%s), %d downloads (%s); memory in use %s (peak %s), pooled %s", uploads, bytes(uploadBytes),
                downloads, bytes(downloadBytes), bytes(bytesInUse), bytes(peakBytesInUse), bytes(bytesPooled));
    }

    /** Bytes in B, KiB, MiB or GiB with one decimal. */
    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return String.format("%.1f %s", v, units[u]);
    }
}
