package org.crld4j.kernels.opencl;

import org.crld4j.tensor.Backend;
import org.crld4j.tensor.Device;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.crld4j.tensor.ops.BatchNormGrads;
import org.crld4j.tensor.ops.BatchNormResult;
import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.PoolResult;
import org.crld4j.tensor.ops.PoolWindow;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small conv net's training step, forward and backward, op by op through the {@link Backend}
 * on the OpenCL device against the CPU backend: results stay on the device from op to op
 * (nothing read back in between), and a second run gives the same bits. The layers are called
 * through the backend because nn modules cannot move to a device yet; no ReLU or loss (another
 * family's kernels) — the step ends in a fixed upstream gradient.
 */
class OpenClNetworkTest {
    /** The conformance suite's conv / batch-norm tolerance still holds after seven layers (float sums in other orders than the CPU's). */
    static final double REL = 1e-4, ABS = 1e-5;

    /** conv 3x3 -> BN -> max pool -> depthwise 3x3 -> BN -> grouped 1x1 stride 2 -> avg pool -> adaptive avg, and back. */
    static Map<String, float[]> step(Backend be, Device dev) {
        Rng rng = new Rng(2026);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", Tensor.randn(rng, 2, 3, 12, 12));
        in.put("w1", Tensor.randn(rng, 8, 3, 3, 3));
        in.put("b1", Tensor.randn(rng, 8));
        in.put("g1", Tensor.randn(rng, 8));
        in.put("be1", Tensor.randn(rng, 8));
        in.put("w2", Tensor.randn(rng, 8, 1, 3, 3));
        in.put("g2", Tensor.randn(rng, 8));
        in.put("be2", Tensor.randn(rng, 8));
        in.put("w3", Tensor.randn(rng, 16, 4, 1, 1));
        in.put("b3", Tensor.randn(rng, 16));
        in.put("dy", Tensor.randn(rng, 2, 16, 2, 2));
        Map<String, Tensor> t = new LinkedHashMap<>();
        in.forEach((k, v) -> t.put(k, v.to(dev)));
        Tensor rm1 = Tensor.zeros(8).to(dev), rv1 = Tensor.ones(8).to(dev), rm2 = Tensor.zeros(8).to(dev), rv2 = Tensor.ones(8).to(dev);
        ConvParams p1 = ConvParams.of(1, 1), p2 = ConvParams.of(1, 1, 8), p3 = ConvParams.of(2, 0, 2);
        PoolWindow maxWin = PoolWindow.of(3, 2, 1, false), avgWin = PoolWindow.of(3, 1, 1, true);

        Tensor c1 = be.conv2d(t.get("x"), t.get("w1"), t.get("b1"), p1);
        BatchNormResult n1 = be.batchNorm(c1, t.get("g1"), t.get("be1"), rm1, rv1, true, 0.1f, 1e-5f);
        PoolResult m1 = be.maxPool2d(n1.output(), maxWin);
        Tensor c2 = be.conv2d(m1.output(), t.get("w2"), null, p2);
        BatchNormResult n2 = be.batchNorm(c2, t.get("g2"), t.get("be2"), rm2, rv2, true, 0.1f, 1e-5f);
        Tensor c3 = be.conv2d(n2.output(), t.get("w3"), t.get("b3"), p3);
        Tensor a1 = be.avgPool2d(c3, avgWin, false);
        Tensor y = be.adaptiveAvgPool2d(a1, 2, 2);

        Tensor da1 = be.adaptiveAvgPool2dBackward(t.get("dy"), a1.shape());
        Tensor dc3 = be.avgPool2dBackward(da1, c3.shape(), avgWin, false);
        Tensor dw3 = be.conv2dBackwardWeight(dc3, n2.output(), t.get("w3").shape(), p3), db3 = be.conv2dBackwardBias(dc3);
        Tensor dn2 = be.conv2dBackwardInput(dc3, t.get("w3"), n2.output().shape(), p3);
        BatchNormGrads g2 = be.batchNormBackward(dn2, c2, t.get("g2"), n2, true);
        Tensor dw2 = be.conv2dBackwardWeight(g2.dx(), m1.output(), t.get("w2").shape(), p2);
        Tensor dm1 = be.conv2dBackwardInput(g2.dx(), t.get("w2"), m1.output().shape(), p2);
        Tensor dn1 = be.maxPool2dBackward(dm1, m1, n1.output().shape());
        BatchNormGrads g1 = be.batchNormBackward(dn1, c1, t.get("g1"), n1, true);
        Tensor dw1 = be.conv2dBackwardWeight(g1.dx(), t.get("x"), t.get("w1").shape(), p1), db1 = be.conv2dBackwardBias(g1.dx());
        Tensor dx = be.conv2dBackwardInput(g1.dx(), t.get("w1"), t.get("x").shape(), p1);

        Map<String, Tensor> outs = new LinkedHashMap<>();
        outs.put("y", y);
        outs.put("running_mean 1", rm1);
        outs.put("running_var 1", rv1);
        outs.put("running_mean 2", rm2);
        outs.put("running_var 2", rv2);
        outs.put("dx", dx);
        outs.put("dw1", dw1);
        outs.put("db1", db1);
        outs.put("dgamma1", g1.dgamma());
        outs.put("dbeta1", g1.dbeta());
        outs.put("dw2", dw2);
        outs.put("dgamma2", g2.dgamma());
        outs.put("dbeta2", g2.dbeta());
        outs.put("dw3", dw3);
        outs.put("db3", db3);
        Map<String, float[]> r = new LinkedHashMap<>();
        outs.forEach((k, v) -> {
            assertEquals(dev, v.device(), k + " left the device");
            r.put(k, v.toArray());
        });
        return r;
    }

    @Test
    void aTrainingStepMatchesTheCpuBackendAndRepeatsBitForBit() {
        ClDevice d = OpenClDeviceTest.device();
        Map<String, float[]> cpu = step(Device.CPU.backend(), Device.CPU);
        long downloadsBefore = d.stats().downloads();
        Map<String, float[]> cl = step(d.backend(), d);
        assertEquals(cpu.size(), d.stats().downloads() - downloadsBefore, "only the results are read back from " + d.name());
        for (var e : cpu.entrySet()) {
            float[] ref = e.getValue(), got = cl.get(e.getKey());
            assertEquals(ref.length, got.length, e.getKey());
            for (int i = 0; i < ref.length; i++) {
                double diff = Math.abs((double) got[i] - ref[i]);
                assertTrue(diff <= ABS + REL * Math.abs(ref[i]), d.name() + ": " + e.getKey() + "[" + i + "] = " + got[i] + ", cpu " + ref[i]);
            }
        }
        Map<String, float[]> again = step(d.backend(), d);
        for (var e : cl.entrySet()) assertArrayEquals(e.getValue(), again.get(e.getKey()), d.name() + ": " + e.getKey() + " differs on a second run");
    }
}
