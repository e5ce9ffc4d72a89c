import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interleaved A/B of two builds of the convolution kernels in one JVM: each build in its own class
 * loader, rounds alternating the order (A B, B A, ...), medians per build. On a guest whose speed
 * drifts within minutes this is fairer than two separate runs. Arguments: classes-A classes-B
 * rounds layer[,layer...] (layer = name:C:K:H:kernel:stride:padding, batch 64).
 */
public class ConvAB {
    public static void main(String[] args) throws Exception {
        String[] builds = {args[0], args[1]};
        int rounds = Integer.parseInt(args[2]);
        String[] layers = args[3].split(",");
        Map<String, Method> run = new LinkedHashMap<>();
        for (String b : builds) {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(b).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            run.put(b, cl.loadClass("ConvRun").getMethod("run", String.class, int.class));
        }
        Map<String, List<double[]>> res = new LinkedHashMap<>();
        for (String b : builds) res.put(b, new ArrayList<>());
        for (int i = 0; i < rounds + 2; i++) { // two warm-up rounds
            List<String> order = new ArrayList<>(List.of(builds));
            if (i % 2 == 1) Collections.reverse(order);
            for (String b : order) {
                double[] total = new double[3];
                for (String l : layers) {
                    double[] t = (double[]) run.get(b).invoke(null, l, 64);
                    for (int j = 0; j < 3; j++) total[j] += t[j];
                }
                if (i >= 2) res.get(b).add(total);
            }
        }
        String[] names = {"forward", "backward-input", "backward-weight"};
        for (int k = 0; k < 2; k++) {
            StringBuilder sb = new StringBuilder(k == 0 ? "A" : "B");
            for (int j = 0; j < 3; j++) {
                final int jj = j;
                double[] xs = res.get(builds[k]).stream().mapToDouble(t -> t[jj]).sorted().toArray();
                sb.append(String.format("  %s %.1f ms", names[j], xs[xs.length / 2]));
            }
            System.out.println(sb + "  (medians of " + rounds + " rounds)");
        }
    }
}
