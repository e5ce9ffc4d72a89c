package org.crld4j.autograd;

import org.crld4j.tensor.ops.ConvParams;
import org.crld4j.tensor.ops.PoolWindow;
import org.crld4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.crld4j.autograd.GradCheck.awayFromZero;
import static org.crld4j.autograd.GradCheck.check;
import static org.crld4j.autograd.GradCheck.distinct;
import static org.crld4j.autograd.GradCheck.positive;
import static org.crld4j.autograd.GradCheck.randn;

/** Finite-difference checks of every differentiable operation, with broadcasting where it applies. */
class GradCheckTest {
    @Test void arithmeticWithBroadcasting() {
        check("add", v -> v[0].add(v[1]), randn(1, 2, 3, 4), randn(2, 3, 1));
        check("sub", v -> v[0].sub(v[1]), randn(3, 4), randn(4, 4));
        check("mul", v -> v[0].mul(v[1]), randn(5, 2, 1, 4), randn(6, 3, 1));
        check("div", v -> v[0].div(v[1]), randn(7, 3, 4), positive(8, 1, 4));
        check("scalar ops", v -> v[0].add(1.5f).mul(-2f).div(3f).sub(0.5f).neg(), randn(9, 2, 5));
    }

    @Test void unaryFunctions() {
        check("pow", v -> v[0].pow(3f), randn(10, 3, 3));
        check("pow fractional", v -> v[0].pow(1.5f), positive(11, 4));
        check("exp", v -> v[0].exp(), randn(12, 2, 3));
        check("log", v -> v[0].log(), positive(13, 2, 3));
        check("sqrt", v -> v[0].sqrt(), positive(14, 5));
        check("abs", v -> v[0].abs(), awayFromZero(15, 2, 4));
        check("relu", v -> v[0].relu(), awayFromZero(16, 3, 4));
        check("clamp", v -> v[0].clamp(-0.55f, 0.45f), distinct(17, 3, 4));
        Tensor mask = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        check("where", v -> Variable.where(mask, v[0], v[1]), randn(18, 2, 3), randn(19, 3));
        check("masked multiply", v -> v[0].mul(Variable.constant(mask)), randn(20, 2, 3));
    }

    @Test void reductions() {
        check("sum all", v -> v[0].sum(), randn(21, 2, 3, 4));
        check("sum dims keepdim", v -> v[0].sum(new int[] {0, 2}, true), randn(22, 2, 3, 4));
        check("sum dim", v -> v[0].sum(new int[] {-1}, false), randn(23, 2, 3, 4));
        check("mean", v -> v[0].mean(new int[] {1}, false), randn(24, 2, 3, 4));
        check("mean all", v -> v[0].mean(), randn(25, 3, 5));
        check("max", v -> v[0].max(1, false), distinct(26, 3, 4, 2));
        check("max keepdim", v -> v[0].max(-1, true), distinct(27, 2, 5));
        check("var unbiased", v -> v[0].var(new int[] {1}, true, false), randn(28, 3, 6));
        check("var biased all", v -> v[0].var(new int[0], false, true), randn(29, 2, 4));
    }

    @Test void matmulAndLinear() {
        check("matmul 2d", v -> v[0].matmul(v[1]), randn(30, 3, 4), randn(31, 4, 5));
        check("matmul batched broadcast", v -> v[0].matmul(v[1]), randn(32, 2, 3, 4), randn(33, 4, 2));
        check("matmul vector", v -> v[0].matmul(v[1]), randn(34, 3, 4), randn(35, 4));
        check("matmul transposed view", v -> v[0].transpose(0, 1).matmul(v[1]), randn(36, 4, 3), randn(37, 4, 2));
        check("linear", v -> F.linear(v[0], v[1], v[2]), randn(38, 5, 4), randn(39, 3, 4), randn(40, 3));
    }

    @Test void views() {
        check("reshape", v -> v[0].reshape(6, -1), randn(41, 2, 3, 4));
        check("view", v -> v[0].view(4, 6), randn(42, 2, 3, 4));
        check("permute", v -> v[0].permute(2, 0, 1).mul(v[1]), randn(43, 2, 3, 4), randn(44, 4, 1, 3));
        check("transpose", v -> v[0].transpose(0, 2), randn(45, 2, 3, 4));
        check("narrow", v -> v[0].narrow(1, 1, 2), randn(46, 2, 4));
        check("slice", v -> v[0].slice(1, 0, 5, 2), randn(47, 3, 5));
        check("select", v -> v[0].select(0, 1), randn(48, 3, 2));
        check("expand", v -> v[0].expand(3, 2, 4), randn(49, 2, 1));
        check("squeeze/unsqueeze", v -> v[0].unsqueeze(1).squeeze(2), randn(50, 3, 1, 2));
        check("flatten", v -> v[0].flatten(1, 2), randn(51, 2, 3, 2));
    }

    @Test void joiningAndIndexing() {
        check("cat", v -> Variable.cat(List.of(v[0], v[1]), 1), randn(52, 2, 3), randn(53, 2, 2));
        check("stack", v -> Variable.stack(List.of(v[0], v[1]), 0), randn(54, 2, 3), randn(55, 2, 3));
        check("split", v -> v[0].split(2, 1).get(1).mul(2f).add(v[0].split(2, 1).get(0)), randn(56, 3, 4));
        check("chunk", v -> v[0].chunk(3, 0).get(2), randn(57, 6, 2));
        Tensor idx = Tensor.of(new float[] {0, 2, 1, 1, 0, 0}, 2, 3);
        check("gather", v -> v[0].gather(1, idx), randn(58, 2, 4));
        Tensor sidx = Tensor.of(new float[] {3, 0, 1, 2}, 2, 2);
        check("scatter", v -> v[0].scatter(1, sidx, v[1]), randn(59, 2, 4), randn(60, 2, 2));
    }

    @Test void softmaxAndLosses() {
        check("softmax", v -> F.softmax(v[0], 1), randn(61, 3, 5));
        check("softmax dim 0", v -> F.softmax(v[0], 0), randn(62, 3, 4));
        check("log_softmax", v -> F.logSoftmax(v[0], -1), randn(63, 2, 3, 4));
        Tensor labels = Tensor.of(new float[] {2, 0, 4}, 3);
        check("cross_entropy", v -> F.crossEntropy(v[0], labels), randn(64, 3, 5));
        for (F.Reduction r : F.Reduction.values())
            check("kl_div " + r, v -> F.klDiv(F.logSoftmax(v[0], 1), F.softmax(v[1], 1), r), randn(65, 3, 4), randn(66, 3, 4));
    }

    @Test void transformerOps() {
        check("gelu", v -> F.gelu(v[0]), randn(111, 3, 7).mul(3f));
        check("layer_norm", v -> F.layerNorm(v[0], v[1], v[2], 1e-6f), randn(112, 2, 3, 6), randn(113, 6), randn(114, 6));
        check("attention", v -> F.scaledDotProductAttention(v[0], v[1], v[2], 0.5f), randn(115, 2, 3, 4), randn(116, 2, 5, 4), randn(117, 2, 5, 3));
    }

    @Test void convolution() {
        check("conv2d 3x3 pad 1 + bias", v -> F.conv2d(v[0], v[1], v[2], ConvParams.of(1, 1)),
                randn(70, 2, 3, 5, 5), randn(71, 4, 3, 3, 3), randn(72, 4));
        check("conv2d stride 2 no bias", v -> F.conv2d(v[0], v[1], null, ConvParams.of(2, 1)),
                randn(73, 1, 2, 7, 6), randn(74, 3, 2, 3, 3));
        check("conv2d 1x1", v -> F.conv2d(v[0], v[1], null, ConvParams.of(1, 0)),
                randn(75, 2, 3, 4, 4), randn(76, 5, 3, 1, 1));
        check("conv2d groups 2", v -> F.conv2d(v[0], v[1], v[2], ConvParams.of(1, 1, 2)),
                randn(77, 2, 4, 5, 5), randn(78, 6, 2, 3, 3), randn(79, 6));
        check("conv2d depthwise x2", v -> F.conv2d(v[0], v[1], v[2], ConvParams.of(2, 1, 3)),
                randn(80, 2, 3, 6, 6), randn(81, 6, 1, 3, 3), randn(82, 6));
        check("conv2d dilation 2 rect kernel", v -> F.conv2d(v[0], v[1], null, new ConvParams(1, 2, 2, 1, 2, 1, 1)),
                randn(83, 1, 2, 7, 7), randn(84, 2, 2, 3, 2));
    }

    @Test void pooling() {
        check("max_pool2d 3/2/1", v -> F.maxPool2d(v[0], PoolWindow.of(3, 2, 1, false)), distinct(90, 2, 2, 7, 7));
        check("max_pool2d ceil", v -> F.maxPool2d(v[0], PoolWindow.of(2, 2, 0, true)), distinct(91, 1, 2, 5, 5));
        check("avg_pool2d count pad", v -> F.avgPool2d(v[0], PoolWindow.of(3, 2, 1, false), true), randn(92, 2, 2, 7, 7));
        check("avg_pool2d exclude pad ceil", v -> F.avgPool2d(v[0], PoolWindow.of(3, 2, 1, true), false), randn(93, 1, 2, 6, 6));
        check("adaptive_avg_pool2d", v -> F.adaptiveAvgPool2d(v[0], 2, 3), randn(94, 2, 2, 5, 7));
    }

    @Test void batchNorm() {
        check("batch_norm train", v -> F.batchNorm(v[0], v[1], v[2], Tensor.zeros(3), Tensor.ones(3), true, 0.1f, 1e-5f),
                randn(100, 4, 3, 2, 2), positive(101, 3), randn(102, 3));
        check("batch_norm train no running stats, 2-D", v -> F.batchNorm(v[0], v[1], v[2], null, null, true, 0.1f, 1e-5f),
                randn(103, 6, 3), positive(104, 3), randn(105, 3));
        Tensor rm = randn(106, 3), rv = positive(107, 3);
        check("batch_norm eval", v -> F.batchNorm(v[0], v[1], v[2], rm, rv, false, 0.1f, 1e-5f),
                randn(108, 2, 3, 2, 2), positive(109, 3), randn(110, 3));
    }
}
