package org.crld4j.kernels.opencl;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * The compiled programs and kernels of one device, by (source, -D options): each source is a
 * resource {@code org/crld4j/kernels/opencl/NAME.cl}, compiled by the driver at first use with
 * {@code common.cl} (the vendor macros) in front. Options always include {@code -cl-std=CL1.2}
 * and, where the device offers it, correctly rounded division and square root; never
 * {@code -cl-fast-relaxed-math}. A build failure throws naming platform, device, source and
 * options, with the first lines of the build log. Not thread-safe on its own: the device calls
 * it under its lock.
 */
final class ProgramCache {
    private static final String RESOURCES = "/org/crld4j/kernels/opencl/";
    static final int LOG_LINES = 25;

    private record Key(String source, String options) {}

    private final ClDevice device;
    private final cl_context context;
    private final cl_device_id id;
    private final String baseOptions;
    private final Map<Key, cl_program> programs = new HashMap<>();
    private final Map<Key, Map<String, ClKernel>> kernels = new HashMap<>();
    private final Map<String, String> sources = new HashMap<>();

    ProgramCache(ClDevice device, cl_context context, cl_device_id id, boolean correctlyRoundedDivSqrt) {
        this.device = device;
        this.context = context;
        this.id = id;
        this.baseOptions = "-cl-std=CL1.2" + (correctlyRoundedDivSqrt ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    }

    /** The kernel {@code name} of source {@code source} built with {@code options} (e.g. {@code "-DTS=64"}), built once. */
    ClKernel kernel(String source, String options, String name) {
        Key key = new Key(source, options);
        Map<String, ClKernel> ks = kernels.computeIfAbsent(key, k -> new HashMap<>());
        ClKernel k = ks.get(name);
        if (k == null) {
            cl_program p = programs.computeIfAbsent(key, this::build);
            try {
                k = new ClKernel(clCreateKernel(p, name, null), name, source + ".cl" + (options.isEmpty() ? "" : " [" + options + "]"));
            } catch (CLException e) {
                throw new OpenClException(device.name() + ": no kernel '" + name + "' in " + source + ".cl (" + stringFor_errorCode(e.getStatus()) + ")", e);
            }
            ks.put(name, k);
        }
        return k;
    }

    /** Programs built so far. */
    int size() { return programs.size(); }

    private cl_program build(Key key) {
        String text = source("common") + "\n#line 1\n" + source(key.source());
        String options = baseOptions + (key.options().isEmpty() ? "" : " " + key.options());
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {text}, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {id}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new ClBuildException(device.name() + ": building " + key.source() + ".cl with options '" + options + "' failed on device "
                    + device.info().where() + " (" + stringFor_errorCode(e.getStatus()) + "); build log:\n" + firstLines(log, LOG_LINES), e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, id, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, id, CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "(no build log: " + stringFor_errorCode(e.getStatus()) + ")";
        }
    }

    static String firstLines(String log, int n) {
        String[] lines = log.strip().split("\n", -1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(n, lines.length); i++) s.append("  ").append(lines[i]).append('\n');
        if (lines.length > n) s.append("  ... (").append(lines.length - n).append(" more lines)\n");
        return s.toString();
    }

    private String source(String name) {
        return sources.computeIfAbsent(name, n -> {
            try (InputStream in = ProgramCache.class.getResourceAsStream(RESOURCES + n + ".cl")) {
                if (in == null) throw new OpenClException(device.name() + ": kernel source " + RESOURCES + n + ".cl is not on the class path");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new OpenClException(device.name() + ": reading kernel source " + n + ".cl failed: " + e, e);
            }
        });
    }

    /** A program that did not compile. */
    static final class ClBuildException extends OpenClException {
        ClBuildException(String message, Throwable cause) { super(message, cause); }
    }
}
