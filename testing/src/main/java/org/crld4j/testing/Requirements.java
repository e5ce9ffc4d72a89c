package org.crld4j.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (PyTorch, PIL, a Debian data set). Locally a missing
 * dependency skips the test with the install line; in CI, or with {@code CRLD4J_REQUIRE_ALL=1},
 * it fails it, so that a broken install can never turn the suite green with tests skipped.
 */
public final class Requirements {
    private Requirements() {}

    /** The variable that makes every missing dependency a failure (CI's {@code CI} does too). */
    public static final String STRICT_ENV = "CRLD4J_REQUIRE_ALL";

    /** True in CI ({@code CI} set and not "false") or with {@code CRLD4J_REQUIRE_ALL=1}. */
    public static boolean strict() {
        return isTrue(System.getenv(STRICT_ENV)) || isTrue(System.getenv("CI"));
    }

    private static boolean isTrue(String v) {
        return v != null && !v.isBlank() && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    /** Skips (locally) or fails (strict) the calling test unless {@code available}. */
    public static void require(boolean available, String what, String install) {
        if (available) return;
        String message = what + " is missing (" + install + ")";
        if (strict()) Assertions.fail(message + "; " + STRICT_ENV + " or CI is set, so a missing dependency fails the run");
        Assumptions.abort(message + "; skipped (set " + STRICT_ENV + "=1 to make this a failure)");
    }
}
