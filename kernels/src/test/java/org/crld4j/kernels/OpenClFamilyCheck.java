package org.crld4j.kernels;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Devices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dev aid: the conformance cases of the families named in -Dfamilies=CONV,POOLING on opencl:0, all failures listed at once. */
class OpenClFamilyCheck {
    @Test
    void families() {
        String fs = System.getProperty("families");
        Assumptions.assumeTrue(fs != null && !Devices.provider("opencl").inventory().devices().isEmpty());
        Device d = Devices.get("opencl:0");
        Backend b = d.backend();
        Map<BackendConformanceTest.Family, double[]> worst = new EnumMap<>(BackendConformanceTest.Family.class);
        List<String> fails = new ArrayList<>();
        int n = 0;
        for (BackendConformanceTest.Case k : BackendConformanceTest.cases()) {
            if (!fs.contains(k.family().name())) continue;
            n++;
            try {
                BackendConformanceTest.conform("opencl", b, d, BackendConformanceTest.tolerancesFor("opencl").get(k.family()), k,
                        worst);
            } catch (Throwable e) {
                fails.add(k.name() + ": " + e.getMessage().lines().limit(3).reduce("", (a, c) -> a + " | " + c));
            }
        }
        worst.forEach((f, w) -> System.out.println("worst " + f + ": " + w[0] + " (" + w[1] + ")"));
        fails.forEach(System.out::println);
        System.out.println(n + " cases, " + fails.size() + " failed");
        assertTrue(fails.isEmpty(), fails.size() + " failures");
    }
}
