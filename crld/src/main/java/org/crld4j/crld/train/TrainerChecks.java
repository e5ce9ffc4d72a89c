package org.crld4j.crld.train;

import org.crld4j.crld.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * mdistiller's keys that choose machinery: SOLVER.TYPE (the optimiser), SOLVER.TRAINER (the
 * training loop: "base" feeds one view, "crld" CRLD's two), DATASET.TYPE (which data set the
 * configuration is for) and LOG.SAVE_CHECKPOINT_FREQ. Each either acts or is refused here, naming
 * the key and the values crld4j has, before any data is read; nothing is silently ignored.
 */
public final class TrainerChecks {
    private TrainerChecks() {}

    /** mdistiller's trainers crld4j has, by the distillers they run. */
    public static final Set<String> TRAINERS = Set.of("base", "crld");

    /**
     * DATASET.TYPE's values, each to the --data kind it needs ("" follows --data). mdistiller's and
     * CRLD's spellings are accepted as they are (tinyimagenet200 is --data tiny-imagenet;
     * tinyimagenet200_384 is Tiny-ImageNet resized to 384, see DataSpec#forDatasetType).
     */
    private static final Map<String, String> DATA_KIND = Map.of(
            "cifar100", "cifar100", "cifar10", "cifar10", "tiny-imagenet", "tiny-imagenet", "tinyimagenet200", "tiny-imagenet",
            "tinyimagenet200_384", "tiny-imagenet", "imagenet", "imagenet", "embedded", "embedded", "idx", "idx");

    /** The trainer a distiller needs: CRLD's two-view loop for CRLD and CRLD_DKD, mdistiller's base loop otherwise. */
    public static String trainerFor(String distillerType) {
        String t = distillerType.toUpperCase(Locale.ROOT);
        return t.equals("CRLD") || t.equals("CRLD_DKD") ? "crld" : "base";
    }

    /** mdistiller's imagenet_model_dict names to crld4j's (in crld4j's one namespace ResNet18/34/50 are the CIFAR ResNetV2). */
    private static final Map<String, String> IMAGENET_MODELS = Map.of("ResNet18", "imagenet_resnet18", "ResNet34", "imagenet_resnet34",
            "ResNet50", "imagenet_resnet50", "MobileNetV1", "imagenet_mobilenetv1");

    /**
     * With DATASET.TYPE imagenet, mdistiller builds DISTILLER.TEACHER and STUDENT from its ImageNet
     * models: renames its names there to crld4j's, so that its own ImageNet YAML files mean what they
     * say. Returns one "KEY old -> new" line per renaming (for the log).
     */
    public static List<String> useImagenetModelNames(Config cfg) {
        List<String> renamed = new ArrayList<>();
        if (!cfg.str("DATASET.TYPE").equals("imagenet")) return renamed;
        for (String key : List.of("DISTILLER.TEACHER", "DISTILLER.STUDENT")) {
            String name = cfg.str(key), ours = IMAGENET_MODELS.get(name);
            if (ours == null) continue;
            cfg.set(key, ours);
            renamed.add(key + " " + name + " -> " + ours + " (mdistiller's ImageNet model for DATASET.TYPE imagenet)");
        }
        return renamed;
    }

    /**
     * Sets SOLVER.TRAINER to the one DISTILLER.TYPE needs (what choosing mdistiller's train.py or
     * CRLD's train_crld.py does) when it is base or crld; returns the value it replaced, or null when
     * it already matched or names a trainer crld4j lacks (which {@link #check} then refuses).
     */
    public static String useTrainerOf(Config cfg) {
        String was = cfg.str("SOLVER.TRAINER"), needed = trainerFor(cfg.str("DISTILLER.TYPE"));
        if (was.equals(needed) || !TRAINERS.contains(was)) return null;
        cfg.set("SOLVER.TRAINER", needed);
        return was;
    }

    /**
     * Refuses what crld4j cannot do as configured. {@code origin} says where the configuration came
     * from ("preset cifar100/res56_res20", "the configuration") for the data set message.
     */
    public static void check(Config cfg, DataSpec data, String origin) {
        String solver = cfg.str("SOLVER.TYPE");
        if (!solver.equals("SGD"))
            throw new IllegalArgumentException("SOLVER.TYPE '" + solver + "' is not supported: crld4j trains with SGD, mdistiller's only optimiser");
        String trainer = cfg.str("SOLVER.TRAINER"), type = cfg.str("DISTILLER.TYPE").toUpperCase(Locale.ROOT);
        if (!TRAINERS.contains(trainer))
            throw new IllegalArgumentException("SOLVER.TRAINER '" + trainer + "' is not supported: crld4j has base (one view: NONE, KD, DKD) "
                    + "and crld (two views: CRLD, CRLD_DKD)");
        if (!trainer.equals(trainerFor(type)))
            throw new IllegalArgumentException("SOLVER.TRAINER '" + trainer + "' cannot run DISTILLER.TYPE " + type + ", which needs the "
                    + trainerFor(type) + " trainer (" + (trainerFor(type).equals("crld") ? "two views" : "one view") + ")");
        long freq = cfg.longValue("LOG.SAVE_CHECKPOINT_FREQ");
        if (freq < 1) throw new IllegalArgumentException("LOG.SAVE_CHECKPOINT_FREQ must be at least 1 (epochs between epoch_N.ckpt files), got " + freq);
        String dataset = cfg.str("DATASET.TYPE");
        if (dataset.isEmpty()) return;
        String kind = DATA_KIND.get(dataset);
        if (kind == null) {
            String why = dataset.equals("tiny_imagenet") ? " (mdistiller's DOT loader, with other augmentations and statistics; CRLD's is tinyimagenet200)" : "";
            throw new IllegalArgumentException("DATASET.TYPE '" + dataset + "' is not supported" + why + "; crld4j has "
                    + String.join(", ", new java.util.TreeSet<>(DATA_KIND.keySet())) + " or \"\" (whatever --data names)");
        }
        if (!kind.equals(data.kind()))
            throw new IllegalArgumentException(origin + " is for DATASET.TYPE " + dataset + " (--data " + kind + (kind.equals("embedded") ? "" : ":<dir>")
                    + "), but --data names " + data + "; pass the matching --data or --set DATASET.TYPE=" + data.kind());
    }
}
