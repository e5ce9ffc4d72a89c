import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds' training steps timed in one JVM: each build in its own class loader, turns of a few
 * steps alternating A B B A (the guest's speed drifts within seconds, so a ratio is taken between
 * neighbouring turns only), then the median of those ratios. Arguments: dirA dirB workload turns
 * stepsPerTurn; each dir holds the build's jar (crld4j.jar) and its compiled StepRun.
 */
public class StepAB {
    public static void main(String[] args) throws Exception {
        int turns = Integer.parseInt(args[3]), steps = Integer.parseInt(args[4]);
        String workload = args[2];
        Runnable[] step = new Runnable[2];
        for (int k = 0; k < 2; k++) {
            Path dir = Path.of(args[k]);
            ClassLoader cl = new URLClassLoader(new URL[] {dir.resolve("crld4j.jar").toUri().toURL(), dir.resolve("runner/").toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(cl); // the builds find their backends through the service loader
            Method setup = cl.loadClass("StepRun").getMethod("setup", String.class);
            step[k] = (Runnable) setup.invoke(null, workload);
            for (int i = 0; i < 5; i++) step[k].run(); // warm-up: JIT and first-touch allocation
        }
        List<Double> ratios = new ArrayList<>();
        double[][] perTurn = new double[2][turns];
        for (int t = 0; t < turns; t++) {
            int first = (t % 2 == 0) ? 0 : 1; // A B, then B A, ...
            double[] ms = new double[2];
            for (int k : new int[] {first, 1 - first}) {
                double[] times = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step[k].run();
                    times[i] = (System.nanoTime() - t0) / 1e6;
                }
                Arrays.sort(times);
                ms[k] = times[steps / 2];
                perTurn[k][t] = ms[k];
            }
            ratios.add(ms[0] / ms[1]); // B's speed over A's = A's time over B's
            System.out.printf("turn %2d  A %7.1f ms  B %7.1f ms  B/A speed %.3f%n", t + 1, ms[0], ms[1], ms[0] / ms[1]);
        }
        double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] a = perTurn[0].clone(), b = perTurn[1].clone();
        Arrays.sort(a);
        Arrays.sort(b);
        System.out.printf("%s: median step A %.1f ms, B %.1f ms; B/A speed: median %.3f, quartiles %.3f .. %.3f over %d turns of %d steps%n",
                workload, a[turns / 2], b[turns / 2], r[turns / 2], r[turns / 4], r[(3 * turns) / 4], turns, steps);
    }
}
