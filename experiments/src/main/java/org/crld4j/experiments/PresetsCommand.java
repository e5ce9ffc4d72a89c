package org.crld4j.experiments;

import org.crld4j.crld.config.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** `crld presets`: the released configurations, or one in full. */
@Command(name = "presets", mixinStandardHelpOptions = true, description = "List the paper's configurations, or show one: crld presets cifar100/res32x4_res8x4")
final class PresetsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", description = "A preset to show in full.") String name;

    @Override public Integer call() {
        if (name != null) {
            System.out.println(Presets.config(name));
            return 0;
        }
        System.out.printf("%-34s %-6s %-22s %-22s %6s %5s%n", "preset", "method", "teacher", "student", "lr", "T");
        for (String p : Presets.names()) {
            var c = Presets.config(p);
            String method = c.str("DISTILLER.TYPE");
            double temperature = c.num(method.equals("DKD") ? "DKD.T" : "CRLD.TEMPERATURE"); // the temperature that method reads
            System.out.printf("%-34s %-6s %-22s %-22s %6s %5s%n", p, method, c.str("DISTILLER.TEACHER"), c.str("DISTILLER.STUDENT"),
                    c.num("SOLVER.LR"), temperature);
        }
        return 0;
    }
}
