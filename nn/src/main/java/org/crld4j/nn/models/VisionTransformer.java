package org.crld4j.nn.models;

import org.crld4j.autograd.F;
import org.crld4j.autograd.Variable;
import org.crld4j.nn.Init;
import org.crld4j.nn.Module;
import org.crld4j.nn.layers.Conv2d;
import org.crld4j.nn.layers.LayerNorm;
import org.crld4j.nn.layers.Linear;
import org.crld4j.tensor.Rng;
import org.crld4j.tensor.Shapes;
import org.crld4j.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * timm's VisionTransformer (ViT, Dosovitskiy et al.) with its state_dict names and layout, so that a
 * timm checkpoint such as CRLD's fine-tuned {@code vit_large_patch16_384} teacher loads as it is:
 * {@code patch_embed.proj} (a patch-sized, patch-strided convolution), {@code cls_token} [1, 1, D],
 * {@code pos_embed} [1, 1 + patches, D], {@code blocks.N.{norm1, attn.qkv, attn.proj, norm2,
 * mlp.fc1, mlp.fc2}}, {@code norm} and {@code head}. Pre-norm blocks x + attn(norm1(x)),
 * x + mlp(norm2(x)); layer norms with eps 1e-6; GELU (erf); the class token's final state feeds
 * the head. No dropout or stochastic depth: CRLD runs the teacher frozen in eval mode, where both
 * are the identity. The input must be {@code imgSize} square, as timm's PatchEmbed requires.
 */
public final class VisionTransformer extends Classifier {
    /** A ViT's shape: input side, patch side, width D, depth, heads; the MLP is 4 D wide, qkv has a bias. */
    public record Config(int imgSize, int patch, int width, int depth, int heads) {
        public Config {
            if (imgSize % patch != 0) throw new IllegalArgumentException("ViT: image size " + imgSize + " is not a multiple of the patch " + patch);
            if (width % heads != 0) throw new IllegalArgumentException("ViT: width " + width + " is not divisible by " + heads + " heads");
        }

        public int patches() { return (imgSize / patch) * (imgSize / patch); }
        public int mlpWidth() { return 4 * width; }

        /**
         * Every parameter's name and shape, in state_dict order, without building the model (a
         * ViT-L is 1.2 GB of float32); the constructor registers exactly these (tests check it).
         */
        public Map<String, int[]> parameterShapes(int classes) {
            Map<String, int[]> s = new LinkedHashMap<>();
            int d = width;
            s.put("cls_token", new int[] {1, 1, d});
            s.put("pos_embed", new int[] {1, 1 + patches(), d});
            s.put("patch_embed.proj.weight", new int[] {d, 3, patch, patch});
            s.put("patch_embed.proj.bias", new int[] {d});
            for (int b = 0; b < depth; b++) {
                String p = "blocks." + b + ".";
                s.put(p + "norm1.weight", new int[] {d});
                s.put(p + "norm1.bias", new int[] {d});
                s.put(p + "attn.qkv.weight", new int[] {3 * d, d});
                s.put(p + "attn.qkv.bias", new int[] {3 * d});
                s.put(p + "attn.proj.weight", new int[] {d, d});
                s.put(p + "attn.proj.bias", new int[] {d});
                s.put(p + "norm2.weight", new int[] {d});
                s.put(p + "norm2.bias", new int[] {d});
                s.put(p + "mlp.fc1.weight", new int[] {mlpWidth(), d});
                s.put(p + "mlp.fc1.bias", new int[] {mlpWidth()});
                s.put(p + "mlp.fc2.weight", new int[] {d, mlpWidth()});
                s.put(p + "mlp.fc2.bias", new int[] {d});
            }
            s.put("norm.weight", new int[] {d});
            s.put("norm.bias", new int[] {d});
            s.put("head.weight", new int[] {classes, d});
            s.put("head.bias", new int[] {classes});
            return s;
        }

        public long numParameters(int classes) {
            return parameterShapes(classes).values().stream().mapToLong(Shapes::numel).sum();
        }
    }

    /** timm's ViT sizes (patch 16): Ti, S, B at 224 and 384, L at 224 and 384 (CRLD's Tiny-ImageNet teacher). */
    public static final Map<String, Config> VARIANTS = Map.of(
            "vit_tiny_patch16_224", new Config(224, 16, 192, 12, 3),
            "vit_small_patch16_224", new Config(224, 16, 384, 12, 6),
            "vit_base_patch16_224", new Config(224, 16, 768, 12, 12),
            "vit_base_patch16_384", new Config(384, 16, 768, 12, 12),
            "vit_large_patch16_224", new Config(224, 16, 1024, 24, 16),
            "vit_large_patch16_384", new Config(384, 16, 1024, 24, 16));

    static final float EPS = 1e-6f;

    public final Config config;
    private final Variable clsToken, posEmbed;
    private final PatchEmbed patchEmbed;
    private final List<Block> blocks;
    private final LayerNorm norm;
    private final Linear head;

    public VisionTransformer(Config config, int numClasses, Rng rng) {
        this.config = config;
        int d = config.width();
        clsToken = registerParameter("cls_token", Tensor.zeros(1, 1, d));
        posEmbed = registerParameter("pos_embed", Tensor.zeros(1, 1 + config.patches(), d));
        patchEmbed = registerModule("patch_embed", new PatchEmbed(config.patch(), d));
        Blocks list = registerModule("blocks", new Blocks());
        for (int b = 0; b < config.depth(); b++) list.add(new Block(d, config.heads(), config.mlpWidth()));
        blocks = list.blocks;
        norm = registerModule("norm", new LayerNorm(d, EPS));
        head = registerModule("head", new Linear(d, numClasses));
        initDefaults(rng);
        // timm's init: truncated normal (std 0.02) for the position embedding and every Linear, biases 0, the class token ~ N(0, 1e-6)
        truncNormal(posEmbed.data(), rng, 0.02);
        Init.normal(clsToken.data(), rng, 0, 1e-6);
        for (Module m : namedModules().values()) {
            if (m instanceof Linear l) {
                truncNormal(l.weight().data(), rng, 0.02);
                l.bias().data().zero();
            }
        }
    }

    private static void truncNormal(Tensor t, Rng rng, double std) {
        Init.normal(t, rng, 0, std);
        t.copyFrom(t.clamp((float) (-2 * std), (float) (2 * std)));
    }

    @Override public Output forwardWithFeatures(Variable x) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != config.imgSize() || s[3] != config.imgSize())
            throw new IllegalArgumentException("ViT expects input [N, 3, " + config.imgSize() + ", " + config.imgSize() + "], got " + Shapes.str(s));
        int n = s[0], d = config.width();
        Variable tokens = patchEmbed.forward(x).flatten(2, 3).transpose(1, 2); // [N, patches, D]
        Variable h = Variable.cat(List.of(clsToken.expand(n, 1, d), tokens), 1).add(posEmbed);
        for (Block b : blocks) h = b.forward(h);
        Variable cls = norm.forward(h).select(1, 0); // timm's "token" pooling
        return new Output(head.forward(cls), cls);
    }

    /** The image cut into patch x patch squares, each projected to D (a convolution with stride = kernel). */
    static final class PatchEmbed extends Module {
        private final Conv2d proj;

        PatchEmbed(int patch, int width) { proj = registerModule("proj", new Conv2d(3, width, patch, patch, 0, 1, true)); }

        @Override public Variable forward(Variable x) { return proj.forward(x); }
    }

    /** timm's blocks, a ModuleList: children named 0, 1, ... */
    static final class Blocks extends Module {
        final java.util.ArrayList<Block> blocks = new java.util.ArrayList<>();

        void add(Block b) { blocks.add(registerModule(String.valueOf(blocks.size()), b)); }

        @Override public Variable forward(Variable x) {
            for (Block b : blocks) x = b.forward(x);
            return x;
        }
    }

    /** Pre-norm transformer block. */
    static final class Block extends Module {
        private final LayerNorm norm1, norm2;
        private final Attention attn;
        private final Mlp mlp;

        Block(int d, int heads, int mlpWidth) {
            norm1 = registerModule("norm1", new LayerNorm(d, EPS));
            attn = registerModule("attn", new Attention(d, heads));
            norm2 = registerModule("norm2", new LayerNorm(d, EPS));
            mlp = registerModule("mlp", new Mlp(d, mlpWidth));
        }

        @Override public Variable forward(Variable x) {
            Variable h = x.add(attn.forward(norm1.forward(x)));
            return h.add(mlp.forward(norm2.forward(h)));
        }
    }

    /** Multi-head self-attention: one qkv projection split into heads, scale head_dim^-0.5, an output projection. */
    static final class Attention extends Module {
        private final int heads;
        private final Linear qkv, proj;

        Attention(int d, int heads) {
            this.heads = heads;
            qkv = registerModule("qkv", new Linear(d, 3 * d));
            proj = registerModule("proj", new Linear(d, d));
        }

        @Override public Variable forward(Variable x) {
            int n = x.shape()[0], tokens = x.shape()[1], d = x.shape()[2], hd = d / heads;
            Variable parts = qkv.forward(x).reshape(n, tokens, 3, heads, hd).permute(2, 0, 3, 1, 4); // [3, N, heads, tokens, hd]
            Variable out = F.scaledDotProductAttention(parts.select(0, 0), parts.select(0, 1), parts.select(0, 2), (float) Math.pow(hd, -0.5));
            return proj.forward(out.transpose(1, 2).reshape(n, tokens, d));
        }
    }

    /** fc1, GELU, fc2. */
    static final class Mlp extends Module {
        private final Linear fc1, fc2;

        Mlp(int d, int hidden) {
            fc1 = registerModule("fc1", new Linear(d, hidden));
            fc2 = registerModule("fc2", new Linear(hidden, d));
        }

        @Override public Variable forward(Variable x) { return fc2.forward(F.gelu(fc1.forward(x))); }
    }
}
