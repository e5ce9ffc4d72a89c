import org.crld4j.kernels.Parallel;
import org.crld4j.kernels.Sgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * crld4j's SGEMM and OpenBLAS's cblas_sgemm (through the FFM API, no JNI) on the same n x n
 * row-major product in one JVM, one product of each in turn (order alternating), a ratio per
 * pair: the guest's speed drifts within seconds, which separate processes minutes apart cannot
 * cancel. On several threads a pause after each product (150 ms, {@code -DpauseMs=}) lets either
 * library's idle worker threads stop spinning before the other one runs; on one thread there are
 * none, and products follow each other as in a loop (a pause there measured crld4j 0.86x instead
 * of 0.89x, OpenBLAS losing less of its speed to it). Arguments: libblas.so.3 path, n, threads,
 * pairs. Run with OPENBLAS_NUM_THREADS set to the same thread count (scripts/compare-sgemm.sh does).
 */
public class SgemmPairs {
    static final int ROW_MAJOR = 101, NO_TRANS = 111;

    public static void main(String[] args) throws Throwable {
        Path lib = Path.of(args[0]);
        int n = Integer.parseInt(args[1]), threads = Integer.parseInt(args[2]), pairs = Integer.parseInt(args[3]);
        Parallel.setThreads(threads);
        long pauseMs = Long.getLong("pauseMs", threads > 1 ? 150 : 0);
        Arena arena = Arena.global();
        SymbolLookup blas = SymbolLookup.libraryLookup(lib, arena);
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT;
        MethodHandle sgemm = Linker.nativeLinker().downcallHandle(blas.find("cblas_sgemm").orElseThrow(
                        () -> new IllegalArgumentException(lib + " has no cblas_sgemm")),
                FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, i32, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, i32,
                        ValueLayout.ADDRESS, i32, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, i32));
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        Random rng = new Random(1);
        for (int i = 0; i < a.length; i++) { a[i] = rng.nextFloat(); b[i] = rng.nextFloat(); }
        MemorySegment na = arena.allocate(4L * n * n, 64), nb = arena.allocate(4L * n * n, 64), nc = arena.allocate(4L * n * n, 64);
        MemorySegment.copy(a, 0, na, ValueLayout.JAVA_FLOAT, 0, a.length);
        MemorySegment.copy(b, 0, nb, ValueLayout.JAVA_FLOAT, 0, b.length);
        Runnable ours = () -> Sgemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        Runnable theirs = () -> {
            try {
                sgemm.invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, n, n, n, 1f, na, n, nb, n, 0f, nc, n);
            } catch (Throwable t) {
                throw new RuntimeException(t);
            }
        };
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmUntil) { ours.run(); theirs.run(); }
        float[] check = new float[n * n];
        MemorySegment.copy(nc, ValueLayout.JAVA_FLOAT, 0, check, 0, check.length);
        double worst = 0;
        for (int i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - check[i]) / Math.abs(check[i]));
        if (worst > 1e-4) throw new AssertionError("crld4j and OpenBLAS disagree: relative difference " + worst);
        double[] ratio = new double[pairs], oursG = new double[pairs], theirsG = new double[pairs];
        double gflop = 2.0 * n * n * n / 1e9;
        for (int p = 0; p < pairs; p++) {
            double t0, t1;
            if (p % 2 == 0) { t0 = time(ours, pauseMs); t1 = time(theirs, pauseMs); } else { t1 = time(theirs, pauseMs); t0 = time(ours, pauseMs); }
            oursG[p] = gflop / t0; theirsG[p] = gflop / t1; ratio[p] = t1 / t0;
        }
        Arrays.sort(ratio); Arrays.sort(oursG); Arrays.sort(theirsG);
        System.out.printf("pairs %d^3, %d thread(s), %d pairs: crld4j %.1f, OpenBLAS %.1f GFLOP/s (medians); ratio per pair median %.3f, quartiles %.3f .. %.3f%n",
                n, threads, pairs, oursG[pairs / 2], theirsG[pairs / 2], ratio[pairs / 2], ratio[pairs / 4], ratio[3 * pairs / 4]);
    }

    /** Seconds for one product, then the pause. */
    static double time(Runnable product, long pauseMs) throws InterruptedException {
        long t0 = System.nanoTime();
        product.run();
        double s = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(pauseMs);
        return s;
    }
}
