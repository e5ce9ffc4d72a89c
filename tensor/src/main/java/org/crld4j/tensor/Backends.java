package org.crld4j.tensor;

import java.util.Comparator;
import java.util.ServiceLoader;
import java.util.stream.StreamSupport;

/**
 * Chooses the backend once, at first use: the one named by {@code -Dcrld4j.backend} or
 * {@code CRLD4J_BACKEND}, else the highest-priority one found by ServiceLoader. The choice is
 * logged at INFO on the {@code org.crld4j} logger.
 */
public final class Backends {
    private static volatile Backend current;

    private Backends() {}

    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                if (current == null) {
                    current = choose();
                    System.getLogger("org.crld4j").log(System.Logger.Level.INFO,
                            "crld4j backend: " + current.describe());
                }
                b = current;
            }
        }
        return b;
    }

    private static Backend choose() {
        String wanted = System.getProperty("crld4j.backend", System.getenv("CRLD4J_BACKEND"));
        var found = StreamSupport.stream(ServiceLoader.load(Backend.class).spliterator(), false).toList();
        if (wanted != null && !wanted.isBlank()) {
            if (wanted.equals("reference")) return new ReferenceBackend();
            return found.stream().filter(b -> b.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("backend '" + wanted + "' requested by crld4j.backend/"
                            + "CRLD4J_BACKEND is not available; found: "
                            + found.stream().map(Backend::name).toList() + " and reference"));
        }
        return found.stream().max(Comparator.comparingInt(Backend::priority)).orElseGet(ReferenceBackend::new);
    }
}
