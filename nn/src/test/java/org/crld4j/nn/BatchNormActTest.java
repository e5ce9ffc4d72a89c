package org.crld4j.nn;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.layers.BatchNorm2d;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** batch norm + residual + ReLU as one op (training) against the three separate ops: outputs, gradients, running statistics, bit for bit. */
class BatchNormActTest {
    private record Run(float[] out, float[] dx, float[] dResidual, float[] dGamma, float[] dBeta, float[] runningMean, float[] runningVar) {}

    private static Run run(boolean fused, int n, int c, int h, int w, boolean withResidual, boolean relu) {
        Rng rng = new Rng(7);
        BatchNorm2d bn = new BatchNorm2d(c);
        bn.weight().data().copyFrom(Tensor.uniform(rng, 0.5f, 1.5f, c));
        bn.bias().data().copyFrom(Tensor.randn(rng, c).mul(0.1f));
        bn.train();
        Variable x = Variable.leaf(Tensor.randn(rng, n, c, h, w).mul(2f).add(0.3f));
        Variable residual = withResidual ? Variable.leaf(Tensor.randn(rng, n, c, h, w)) : null;
        Tensor upstream = Tensor.randn(rng, n, c, h, w);
        Variable y;
        if (fused) {
            y = bn.forward(x, residual, relu);
        } else {
            y = bn.forward(x);
            if (residual != null) y = y.add(residual);
            if (relu) y = F.relu(y);
        }
        y.mul(Variable.constant(upstream)).sum().backward();
        return new Run(y.data().contiguous().array(), x.grad().array(), residual == null ? new float[0] : residual.grad().array(),
                bn.weight().grad().array(), bn.bias().grad().array(), bn.runningMean().array(), bn.runningVar().array());
    }

    @Test void equalsTheSeparateOpsBitForBit() {
        // 32x32 and 8x8 rows (vector loops only), 30x30 and 5x5 (scalar tails), with and without the residual and the ReLU
        int[][] shapes = {{4, 16, 32, 32}, {3, 8, 30, 30}, {8, 64, 8, 8}, {2, 5, 5, 5}};
        for (int[] s : shapes) {
            for (boolean residual : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    if (!residual && !relu) continue; // plain batch norm: not this op
                    Run a = run(true, s[0], s[1], s[2], s[3], residual, relu), b = run(false, s[0], s[1], s[2], s[3], residual, relu);
                    String what = java.util.Arrays.toString(s) + (residual ? " + residual" : "") + (relu ? " relu" : "");
                    assertArrayEquals(b.out(), a.out(), what + ": output");
                    assertArrayEquals(b.dx(), a.dx(), what + ": dx");
                    assertArrayEquals(b.dResidual(), a.dResidual(), what + ": d residual");
                    assertArrayEquals(b.dGamma(), a.dGamma(), what + ": d gamma");
                    assertArrayEquals(b.dBeta(), a.dBeta(), what + ": d beta");
                    assertArrayEquals(b.runningMean(), a.runningMean(), what + ": running mean");
                    assertArrayEquals(b.runningVar(), a.runningVar(), what + ": running var");
                }
            }
        }
    }
}
