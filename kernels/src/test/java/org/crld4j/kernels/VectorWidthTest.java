package org.crld4j.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The width the kernels run at: what -Dcrld4j.vectorBits asks for (the build's extra test runs), else C2's preferred, at most 512. */
class VectorWidthTest {
    @Test void theWidthIsTheOneAskedForOrTheHardwaresAndTheTilesFollowIt() {
        String asked = System.getProperty("crld4j.vectorBits");
        int expected = asked != null ? Integer.parseInt(asked) : Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertEquals(expected, VectorWidth.bits());
        assertEquals(expected / 32, Sgemm.L);
        assertEquals(2 * Sgemm.L, Sgemm.NR);
        assertEquals(expected == 512 ? 8 : 4, Sgemm.MR, "AVX-512's 32 registers hold an 8-row tile, 16-register ISAs a 4-row one");
        assertTrue(new CpuBackend().describe().contains("Vector API " + expected + "-bit ("), new CpuBackend().describe());
        assertTrue(VectorWidth.describe().contains(asked != null ? "set by crld4j.vectorBits" : "C2's preferred"), VectorWidth.describe());
    }
}
