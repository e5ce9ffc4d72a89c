package org.crld4j.tensor;

import java.util.Comparator;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

/**
 * Chooses the host backend once, at first use: the one named by {@code -Dcrld4j.backend} or
 * {@code CRLD4J_BACKEND}, else the highest-priority one found by ServiceLoader (the CPU backend
 * when the kernels module is on the class path, else {@link ReferenceBackend}). The choice is
 * logged at INFO on the {@code org.crld4j} logger.
 */
public final class Backends {
    private static volatile Backend host;

    private Backends() {}

    /** The backend computing on host memory ({@link Device#CPU}). */
    public static Backend host() {
        Backend b = host;
        if (b == null) {
            synchronized (Backends.class) {
                if (host == null) {
                    host = choose();
                    System.getLogger("org.crld4j").log(System.Logger.Level.INFO, "crld4j backend: " + host.describe());
                }
                b = host;
            }
        }
        return b;
    }

    /** Every host backend on the class path, the reference one included (what the conformance suite runs). */
    public static java.util.List<Backend> available() {
        var found = new java.util.ArrayList<Backend>(StreamSupport.stream(ServiceLoader.load(Backend.class).spliterator(), false).toList());
        if (found.stream().noneMatch(b -> b.name().equals("reference"))) found.add(0, new ReferenceBackend());
        return found;
    }

    private static Backend choose() {
        String wanted = System.getProperty("crld4j.backend", System.getenv("CRLD4J_BACKEND"));
        var found = available();
        if (wanted != null && !wanted.isBlank()) {
            return found.stream().filter(b -> b.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("backend '" + wanted + "' requested by crld4j.backend/"
                            + "CRLD4J_BACKEND is not available; found: " + found.stream().map(Backend::name).toList()));
        }
        return found.stream().max(Comparator.comparingInt(Backend::priority)).orElseThrow();
    }
}
