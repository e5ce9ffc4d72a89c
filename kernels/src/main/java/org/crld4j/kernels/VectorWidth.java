package org.crld4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The vector width every CPU kernel uses, chosen once when the backend loads: {@code
 * -Dcrld4j.vectorBits=128|256|512} (or {@code CRLD4J_VECTOR_BITS}) if given, else the widest
 * float vector C2 compiles to full-width instructions on this CPU ({@link
 * FloatVector#SPECIES_PREFERRED}: 512 bits where HotSpot enables AVX-512 — it keeps 256 on CPUs
 * whose 512-bit units slow the clock — 256 with AVX2, 128 with SSE or NEON), at most 512.
 *
 * <p>The species is a {@code static final} field, so C2 folds its lane count into the kernels as a
 * constant (a lane count read at run time halves SGEMM's speed: BENCHMARKS.md). A width the
 * hardware lacks still runs, in the Vector API's software fallback, correct but many times slower:
 * the tests run the kernels that way at 512 bits on machines without AVX-512.
 *
 * <p>Results depend on the width (a reduction adds its lanes in a fixed order of that many lanes):
 * the same machine, width and thread count give the same numbers bit for bit.
 */
public final class VectorWidth {
    private VectorWidth() {}

    /** Where the width came from, for the start-up log line. */
    static final String SOURCE;
    static final VectorSpecies<Float> SPECIES;

    static {
        String v = System.getProperty("crld4j.vectorBits", System.getenv("CRLD4J_VECTOR_BITS"));
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int bits;
        if (v != null && !v.isBlank()) {
            bits = parse(v.trim());
            SOURCE = "set by crld4j.vectorBits" + (bits > preferred ? "; wider than the " + preferred + " bits C2 compiles here, so emulated and slow" : "");
        } else {
            bits = Math.min(512, preferred);
            SOURCE = "C2's preferred" + cpuNote();
        }
        SPECIES = VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    private static int parse(String v) {
        try {
            int bits = Integer.parseInt(v);
            if (bits == 128 || bits == 256 || bits == 512) return bits;
        } catch (NumberFormatException ignored) {
            // the error below names the value
        }
        throw new IllegalArgumentException("crld4j.vectorBits / CRLD4J_VECTOR_BITS must be 128, 256 or 512, got '" + v + "'");
    }

    /** The vector extensions /proc/cpuinfo lists (Linux x86), to show beside the choice. */
    private static String cpuNote() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (!line.startsWith("flags")) continue;
                Set<String> flags = Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                String widest = flags.contains("avx512f") ? "avx512f" : flags.contains("avx2") ? "avx2" : flags.contains("sse4_2") ? "sse4_2" : null;
                return widest == null ? "" : "; CPU has " + widest;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux, or no flags line: the choice stands without the note
        }
        return "";
    }

    /** E.g. "Vector API 512-bit (C2's preferred; CPU has avx512f)". */
    public static String describe() { return "Vector API " + SPECIES.vectorBitSize() + "-bit (" + SOURCE + ")"; }

    /** The chosen species (for benchmarks outside this package; hold it in a static final). */
    public static VectorSpecies<Float> species() { return SPECIES; }

    /** The chosen width in bits. */
    public static int bits() { return SPECIES.vectorBitSize(); }
}
