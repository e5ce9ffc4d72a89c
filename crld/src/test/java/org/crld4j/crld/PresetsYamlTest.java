package org.crld4j.crld;

import org.crld4j.crld.config.Config;
import org.crld4j.crld.config.Presets;
import org.crld4j.nn.models.ModelZoo;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each preset against the released file it reproduces: the YAML of the released CRLD code
 * (repository scx-822/CRLD-main) or, for the DKD presets, of mdistiller (megvii-research/mdistiller),
 * quoted below, parsed, merged over that repository's defaults (the quoted lines of its cfg.py) and
 * compared key by key with {@link Presets#config}. Every key a YAML
 * file sets must have the same value in the preset (numbers as numbers, lists as lists), every
 * default it leaves unset must be crld4j's too (CRLD's six hyperparameters among them), and the
 * preset may set nothing else. The exceptions are listed, each with its reason: keys crld4j has no
 * notion of ({@link #IGNORED}), names crld4j spells differently ({@link #crld4jName}), the run
 * directory ({@link #runName}) and values a YAML line's own comment corrects ({@link #COMMENTED}).
 */
class PresetsYamlTest {

    // ---- mdistiller's defaults: the lines of cfg.py for the keys the YAML files set or leave unset ----

    // scx-822/CRLD-main mdistiller/engine/cfg.py (from "# Experiment" to the end of "# Log")
    private static final String CFG_PY_COMMON = """
            # Experiment
            CFG.EXPERIMENT = CN()
            CFG.EXPERIMENT.PROJECT = "distill"
            CFG.EXPERIMENT.NAME = ""
            CFG.EXPERIMENT.TAG = "default"

            # Dataset
            CFG.DATASET = CN()
            CFG.DATASET.TYPE = "cifar100"
            CFG.DATASET.NUM_WORKERS = 2
            CFG.DATASET.TEST = CN()
            CFG.DATASET.TEST.BATCH_SIZE = 64

            # Distiller
            CFG.DISTILLER = CN()
            CFG.DISTILLER.TYPE = "NONE"  # Vanilla as default
            CFG.DISTILLER.TEACHER = "ResNet50"
            CFG.DISTILLER.STUDENT = "resnet32"

            # Solver
            CFG.SOLVER = CN()
            CFG.SOLVER.TRAINER = "base"
            CFG.SOLVER.BATCH_SIZE = 64
            CFG.SOLVER.EPOCHS = 240
            CFG.SOLVER.LR = 0.05
            CFG.SOLVER.LR_DECAY_STAGES = [150, 180, 210]
            CFG.SOLVER.LR_DECAY_RATE = 0.1
            CFG.SOLVER.WEIGHT_DECAY = 0.0001
            CFG.SOLVER.MOMENTUM = 0.9
            CFG.SOLVER.TYPE = "SGD"

            # Log
            CFG.LOG = CN()
            CFG.LOG.TENSORBOARD_FREQ = 500
            CFG.LOG.SAVE_CHECKPOINT_FREQ = 40
            CFG.LOG.PREFIX = "./output"
            CFG.LOG.WANDB = False
            """;

    // scx-822/CRLD-main mdistiller/engine/cfg.py (the "# KD CFG" section)
    private static final String CFG_PY_KD = """
            # KD CFG
            CFG.KD = CN()
            CFG.KD.TEMPERATURE = 4
            CFG.KD.LOSS = CN()
            CFG.KD.LOSS.CE_WEIGHT = 0.1
            CFG.KD.LOSS.KD_WEIGHT = 0.9
            """;

    // scx-822/CRLD-main mdistiller/engine/cfg.py (the "# CRLD CFG" section, the file's last lines)
    private static final String CFG_PY_CRLD = """
            # CRLD CFG
            CFG.CRLD = CN()
            CFG.CRLD.CE_WEIGHT = 1.0
            CFG.CRLD.WV_WEIGHT = 2.0
            CFG.CRLD.CV_WEIGHT = 0.5
            CFG.CRLD.TEMPERATURE = 4.0
            CFG.CRLD.TAU_W = 0.9
            CFG.CRLD.TAU_S = 0.2""";

    // megvii-research/mdistiller mdistiller/engine/cfg.py (from "# Experiment" to the end of "# Log")
    private static final String MD_CFG_PY_COMMON = """
            # Experiment
            CFG.EXPERIMENT = CN()
            CFG.EXPERIMENT.PROJECT = "distill"
            CFG.EXPERIMENT.NAME = ""
            CFG.EXPERIMENT.TAG = "default"

            # Dataset
            CFG.DATASET = CN()
            CFG.DATASET.TYPE = "cifar100"
            CFG.DATASET.NUM_WORKERS = 2
            CFG.DATASET.TEST = CN()
            CFG.DATASET.TEST.BATCH_SIZE = 64

            # Distiller
            CFG.DISTILLER = CN()
            CFG.DISTILLER.TYPE = "NONE"  # Vanilla as default
            CFG.DISTILLER.TEACHER = "ResNet50"
            CFG.DISTILLER.STUDENT = "resnet32"

            # Solver
            CFG.SOLVER = CN()
            CFG.SOLVER.TRAINER = "base"
            CFG.SOLVER.BATCH_SIZE = 64
            CFG.SOLVER.EPOCHS = 240
            CFG.SOLVER.LR = 0.05
            CFG.SOLVER.LR_DECAY_STAGES = [150, 180, 210]
            CFG.SOLVER.LR_DECAY_RATE = 0.1
            CFG.SOLVER.WEIGHT_DECAY = 0.0001
            CFG.SOLVER.MOMENTUM = 0.9
            CFG.SOLVER.TYPE = "SGD"

            # Log
            CFG.LOG = CN()
            CFG.LOG.TENSORBOARD_FREQ = 500
            CFG.LOG.SAVE_CHECKPOINT_FREQ = 40
            CFG.LOG.PREFIX = "./output"
            CFG.LOG.WANDB = True
            """;

    // megvii-research/mdistiller mdistiller/engine/cfg.py (the "# KD CFG" section)
    private static final String MD_CFG_PY_KD = """
            # KD CFG
            CFG.KD = CN()
            CFG.KD.TEMPERATURE = 4
            CFG.KD.LOSS = CN()
            CFG.KD.LOSS.CE_WEIGHT = 0.1
            CFG.KD.LOSS.KD_WEIGHT = 0.9
            """;

    // megvii-research/mdistiller mdistiller/engine/cfg.py (the DKD section)
    private static final String MD_CFG_PY_DKD = """
            # DKD(Decoupled Knowledge Distillation) CFG
            CFG.DKD = CN()
            CFG.DKD.CE_WEIGHT = 1.0
            CFG.DKD.ALPHA = 1.0
            CFG.DKD.BETA = 8.0
            CFG.DKD.T = 4.0
            CFG.DKD.WARMUP = 20
            """;

    /** Where released files come from: the repository and its cfg.py defaults (the quoted lines). */
    private record Source(String repo, String cfgPy) {}

    private static final Source CRLD = new Source("scx-822/CRLD-main", CFG_PY_COMMON + CFG_PY_KD + CFG_PY_CRLD);
    private static final Source MDISTILLER = new Source("megvii-research/mdistiller", MD_CFG_PY_COMMON + MD_CFG_PY_KD + MD_CFG_PY_DKD);

    // ---- the released YAML files, verbatim (in the text blocks "\s" is a trailing space of the file, "\"" a quote just before the closing delimiter; a file without a final newline closes on its last line) ----

    // scx-822/CRLD-main configs/cifar100/crld/res56_res20.yaml
    private static final String CIFAR_RES56_RES20 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res56,res20"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet56"
              STUDENT: "resnet20"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/res110_res32.yaml
    private static final String CIFAR_RES110_RES32 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res110,res32"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet110"
              STUDENT: "resnet32"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/res32x4_res8x4.yaml
    private static final String CIFAR_RES32X4_RES8X4 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res32x4,res8x4"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet32x4"
              STUDENT: "resnet8x4"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld\"""";

    // scx-822/CRLD-main configs/cifar100/crld/wrn40_2_wrn16_2.yaml
    private static final String CIFAR_WRN40_2_WRN16_2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,wrn_40_2,wrn_16_2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "wrn_40_2"
              STUDENT: "wrn_16_2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/wrn40_2_wrn40_1.yaml
    private static final String CIFAR_WRN40_2_WRN40_1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,wrn_40_2,wrn_40_1"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "wrn_40_2"
              STUDENT: "wrn_40_1"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/vgg13_vgg8.yaml
    private static final String CIFAR_VGG13_VGG8 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,vgg13,vgg8"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "vgg13"
              STUDENT: "vgg8"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/res32x4_wrn_16_2.yaml
    private static final String CIFAR_RES32X4_WRN_16_2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res32x4,wrn_16_2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet32x4"
              STUDENT: "wrn_16_2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/wrn40_2_res8x4.yaml
    private static final String CIFAR_WRN40_2_RES8X4 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,wrn_40_2,res8x4"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "wrn_40_2"
              STUDENT: "resnet8x4"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/res32x4_shuv2.yaml
    private static final String CIFAR_RES32X4_SHUV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res32x4,shuv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet32x4"
              STUDENT: "ShuffleV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01\s
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            """;

    // scx-822/CRLD-main configs/cifar100/crld/res50_mv2.yaml
    private static final String CIFAR_RES50_MV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res50,mv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "ResNet50"
              STUDENT: "MobileNetV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"

            """;

    // scx-822/CRLD-main configs/cifar100/crld/vgg13_mv2.yaml
    private static final String CIFAR_VGG13_MV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,vgg13,mv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "vgg13"
              STUDENT: "MobileNetV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"

            """;

    // scx-822/CRLD-main configs/cifar100/crld/wrn40_2_mv2.yaml
    private static final String CIFAR_WRN40_2_MV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,wrn40_2,mv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "wrn_40_2"
              STUDENT: "MobileNetV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"

            """;

    // scx-822/CRLD-main configs/tinyimagenet200/crld/res32x4_res8x4.yaml
    private static final String TINY_RES32X4_RES8X4 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,res32x4,res8x4"
              PROJECT: "tinyimagenet200_baselines"
            DATASET:
              TYPE: "tinyimagenet200"
              NUM_WORKERS: 8
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "resnet32x4"
              STUDENT: "resnet8x4"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            CRLD:
              TEMPERATURE: 2.0
              WV_WEIGHT: 4.0
              CV_WEIGHT: 1.0""";

    // scx-822/CRLD-main configs/tinyimagenet200/crld/vit_resnet18.yaml
    private static final String TINY_VIT_RESNET18 = """
            EXPERIMENT:
              NAME: ""
              TAG: "crld,vit,res18"
              PROJECT: "tinyimagenet200_baselines"
            DATASET:
              TYPE: "tinyimagenet200_384"
              NUM_WORKERS: 16
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "vit"
              STUDENT: "ResNet18"
            SOLVER:
              BATCH_SIZE: 32
              EPOCHS: 100
              LR: 0.025
              LR_DECAY_STAGES: [30, 60, 90]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            CRLD:
              TEMPERATURE: 2.0
            """;

    // scx-822/CRLD-main configs/imagenet/r34_r18/crld.yaml
    private static final String IMAGENET_R34_R18 = """
            EXPERIMENT:
              NAME: ""
              TAG: "CRLD,res34,res18"
              PROJECT: "imagenet_baselines"
            DATASET:
              TYPE: "imagenet"
              NUM_WORKERS: 4 # 32
              TEST:
                BATCH_SIZE: 128
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "ResNet34"
              STUDENT: "ResNet18"
            SOLVER:
              BATCH_SIZE: 64 # 512
              EPOCHS: 100
              LR: 0.2
              LR_DECAY_STAGES: [30, 60, 90]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0001
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            CRLD:
              TEMPERATURE: 1.0
              CE_WEIGHT: 2.0
            """;

    // scx-822/CRLD-main configs/imagenet/r50_mv1/crld.yaml
    private static final String IMAGENET_R50_MV1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "CRLD,res34,res18"
              PROJECT: "imagenet_baselines"
            DATASET:
              TYPE: "imagenet"
              NUM_WORKERS: 32
              TEST:
                BATCH_SIZE: 128
            DISTILLER:
              TYPE: "CRLD"
              TEACHER: "ResNet50"
              STUDENT: "MobileNetV1"
            SOLVER:
              BATCH_SIZE: 512
              EPOCHS: 100
              LR: 0.2
              LR_DECAY_STAGES: [30, 60, 90]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0001
              MOMENTUM: 0.9
              TYPE: "SGD"
              TRAINER: "crld"
            CRLD:
              TEMPERATURE: 1.0
              CE_WEIGHT: 2.0
            """;
    // ---- mdistiller's DKD files (its table of DKD results), verbatim ----

    // megvii-research/mdistiller configs/cifar100/dkd/res56_res20.yaml
    private static final String DKD_CIFAR_RES56_RES20 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res56,res20"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "resnet56"
              STUDENT: "resnet20"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 2.0
            """;

    // megvii-research/mdistiller configs/cifar100/dkd/res110_res32.yaml
    private static final String DKD_CIFAR_RES110_RES32 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res110,res32"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "resnet110"
              STUDENT: "resnet32"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 2.0
            """;

    // megvii-research/mdistiller configs/cifar100/dkd/res32x4_res8x4.yaml
    private static final String DKD_CIFAR_RES32X4_RES8X4 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res32x4,res8x4"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "resnet32x4"
              STUDENT: "resnet8x4"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"

            """;

    // megvii-research/mdistiller configs/cifar100/dkd/wrn40_2_wrn_16_2.yaml
    private static final String DKD_CIFAR_WRN40_2_WRN_16_2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,wrn_40_2,wrn_16_2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "wrn_40_2"
              STUDENT: "wrn_16_2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 6.0
            """;

    // megvii-research/mdistiller configs/cifar100/dkd/wrn40_2_wrn_40_1.yaml
    private static final String DKD_CIFAR_WRN40_2_WRN_40_1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,wrn_40_2,wrn_40_1"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "wrn_40_2"
              STUDENT: "wrn_40_1"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 6.0
            """;

    // megvii-research/mdistiller configs/cifar100/dkd/vgg13_vgg8.yaml
    private static final String DKD_CIFAR_VGG13_VGG8 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,vgg13,vgg8"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "vgg13"
              STUDENT: "vgg8"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.05
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 6.0
            """;

    // megvii-research/mdistiller configs/cifar100/dkd/res32x4_shuv1.yaml
    private static final String DKD_CIFAR_RES32X4_SHUV1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res32x4,shuv1"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "resnet32x4"
              STUDENT: "ShuffleV1"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"

            """;

    // megvii-research/mdistiller configs/cifar100/dkd/res32x4_shuv2.yaml
    private static final String DKD_CIFAR_RES32X4_SHUV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res32x4,shuv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "resnet32x4"
              STUDENT: "ShuffleV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"

            """;

    // megvii-research/mdistiller configs/cifar100/dkd/res50_mv2.yaml
    private static final String DKD_CIFAR_RES50_MV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res50,mv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "ResNet50"
              STUDENT: "MobileNetV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"

            """;

    // megvii-research/mdistiller configs/cifar100/dkd/vgg13_mv2.yaml
    private static final String DKD_CIFAR_VGG13_MV2 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,vgg13,mv2"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "vgg13"
              STUDENT: "MobileNetV2"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"
            DKD:
              BETA: 6.0

            """;

    // megvii-research/mdistiller configs/cifar100/dkd/wrn40_2_shuv1.yaml
    private static final String DKD_CIFAR_WRN40_2_SHUV1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,wrn_40_2,shuv1"
              PROJECT: "cifar100_baselines"
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "wrn_40_2"
              STUDENT: "ShuffleV1"
            SOLVER:
              BATCH_SIZE: 64
              EPOCHS: 240
              LR: 0.01
              LR_DECAY_STAGES: [150, 180, 210]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0005
              MOMENTUM: 0.9
              TYPE: "SGD"

            """;

    // megvii-research/mdistiller configs/imagenet/r34_r18/dkd.yaml
    private static final String DKD_IMAGENET_R34_R18 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res34,res18"
              PROJECT: "imagenet_baselines"
            DATASET:
              TYPE: "imagenet"
              NUM_WORKERS: 32
              TEST:
                BATCH_SIZE: 128
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "ResNet34"
              STUDENT: "ResNet18"
            SOLVER:
              BATCH_SIZE: 512
              EPOCHS: 100
              LR: 0.2
              LR_DECAY_STAGES: [30, 60, 90]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0001
              MOMENTUM: 0.9
              TYPE: "SGD"
            LOG:
              TENSORBOARD_FREQ: 50
              SAVE_CHECKPOINT_FREQ: 10
            DKD:
              CE_WEIGHT: 1.0
              BETA: 0.5
              T: 1.0
              WARMUP: 1
            """;

    // megvii-research/mdistiller configs/imagenet/r50_mv1/dkd.yaml
    private static final String DKD_IMAGENET_R50_MV1 = """
            EXPERIMENT:
              NAME: ""
              TAG: "dkd,res50,mobilenetv1"
              PROJECT: "imagenet_baselines"
            DATASET:
              TYPE: "imagenet"
              NUM_WORKERS: 32
              TEST:
                BATCH_SIZE: 128
            DISTILLER:
              TYPE: "DKD"
              TEACHER: "ResNet50"
              STUDENT: "MobileNetV1"
            SOLVER:
              BATCH_SIZE: 512
              EPOCHS: 100
              LR: 0.2
              LR_DECAY_STAGES: [30, 60, 90]
              LR_DECAY_RATE: 0.1
              WEIGHT_DECAY: 0.0001
              MOMENTUM: 0.9
              TYPE: "SGD"
            LOG:
              TENSORBOARD_FREQ: 50
              SAVE_CHECKPOINT_FREQ: 10
            DKD:
              CE_WEIGHT: 1.0
              BETA: 2.0
              T: 1.0
              WARMUP: 1
            """;

    /** A released file: the preset that reproduces it, its repository, its path there, its length in characters, its text. */
    private record Released(String preset, Source source, String path, int chars, String yaml) {}

    private static final List<Released> RELEASED = List.of(
            new Released("cifar100/res56_res20", CRLD, "configs/cifar100/crld/res56_res20.yaml", 328, CIFAR_RES56_RES20),
            new Released("cifar100/res110_res32", CRLD, "configs/cifar100/crld/res110_res32.yaml", 330, CIFAR_RES110_RES32),
            new Released("cifar100/res32x4_res8x4", CRLD, "configs/cifar100/crld/res32x4_res8x4.yaml", 333, CIFAR_RES32X4_RES8X4),
            new Released("cifar100/wrn40_2_wrn16_2", CRLD, "configs/cifar100/crld/wrn40_2_wrn16_2.yaml", 334, CIFAR_WRN40_2_WRN16_2),
            new Released("cifar100/wrn40_2_wrn40_1", CRLD, "configs/cifar100/crld/wrn40_2_wrn40_1.yaml", 334, CIFAR_WRN40_2_WRN40_1),
            new Released("cifar100/vgg13_vgg8", CRLD, "configs/cifar100/crld/vgg13_vgg8.yaml", 320, CIFAR_VGG13_VGG8),
            new Released("cifar100/res32x4_wrn_16_2", CRLD, "configs/cifar100/crld/res32x4_wrn_16_2.yaml", 335, CIFAR_RES32X4_WRN_16_2),
            new Released("cifar100/wrn40_2_res8x4", CRLD, "configs/cifar100/crld/wrn40_2_res8x4.yaml", 333, CIFAR_WRN40_2_RES8X4),
            new Released("cifar100/res32x4_shuv2", CRLD, "configs/cifar100/crld/res32x4_shuv2.yaml", 334, CIFAR_RES32X4_SHUV2),
            new Released("cifar100/res50_mv2", CRLD, "configs/cifar100/crld/res50_mv2.yaml", 330, CIFAR_RES50_MV2),
            new Released("cifar100/vgg13_mv2", CRLD, "configs/cifar100/crld/vgg13_mv2.yaml", 327, CIFAR_VGG13_MV2),
            new Released("cifar100/wrn40_2_mv2", CRLD, "configs/cifar100/crld/wrn40_2_mv2.yaml", 332, CIFAR_WRN40_2_MV2),
            new Released("tinyimagenet200/res32x4_res8x4", CRLD, "configs/tinyimagenet200/crld/res32x4_res8x4.yaml", 451, TINY_RES32X4_RES8X4),
            new Released("tinyimagenet200/vit_resnet18", CRLD, "configs/tinyimagenet200/crld/vit_resnet18.yaml", 408, TINY_VIT_RESNET18),
            new Released("imagenet/r34_r18", CRLD, "configs/imagenet/r34_r18/crld.yaml", 450, IMAGENET_R34_R18),
            new Released("imagenet/r50_mv1", CRLD, "configs/imagenet/r50_mv1/crld.yaml", 444, IMAGENET_R50_MV1),
            new Released("cifar100/dkd/res56_res20", MDISTILLER, "configs/cifar100/dkd/res56_res20.yaml", 325, DKD_CIFAR_RES56_RES20),
            new Released("cifar100/dkd/res110_res32", MDISTILLER, "configs/cifar100/dkd/res110_res32.yaml", 327, DKD_CIFAR_RES110_RES32),
            new Released("cifar100/dkd/res32x4_res8x4", MDISTILLER, "configs/cifar100/dkd/res32x4_res8x4.yaml", 315, DKD_CIFAR_RES32X4_RES8X4),
            new Released("cifar100/dkd/wrn40_2_wrn_16_2", MDISTILLER, "configs/cifar100/dkd/wrn40_2_wrn_16_2.yaml", 331, DKD_CIFAR_WRN40_2_WRN_16_2),
            new Released("cifar100/dkd/wrn40_2_wrn_40_1", MDISTILLER, "configs/cifar100/dkd/wrn40_2_wrn_40_1.yaml", 331, DKD_CIFAR_WRN40_2_WRN_40_1),
            new Released("cifar100/dkd/vgg13_vgg8", MDISTILLER, "configs/cifar100/dkd/vgg13_vgg8.yaml", 317, DKD_CIFAR_VGG13_VGG8),
            new Released("cifar100/dkd/res32x4_shuv1", MDISTILLER, "configs/cifar100/dkd/res32x4_shuv1.yaml", 314, DKD_CIFAR_RES32X4_SHUV1),
            new Released("cifar100/dkd/res32x4_shuv2", MDISTILLER, "configs/cifar100/dkd/res32x4_shuv2.yaml", 314, DKD_CIFAR_RES32X4_SHUV2),
            new Released("cifar100/dkd/res50_mv2", MDISTILLER, "configs/cifar100/dkd/res50_mv2.yaml", 310, DKD_CIFAR_RES50_MV2),
            new Released("cifar100/dkd/vgg13_mv2", MDISTILLER, "configs/cifar100/dkd/vgg13_mv2.yaml", 324, DKD_CIFAR_VGG13_MV2),
            new Released("cifar100/dkd/wrn40_2_shuv1", MDISTILLER, "configs/cifar100/dkd/wrn40_2_shuv1.yaml", 313, DKD_CIFAR_WRN40_2_SHUV1),
            new Released("imagenet/r34_r18/dkd", MDISTILLER, "configs/imagenet/r34_r18/dkd.yaml", 489, DKD_IMAGENET_R34_R18),
            new Released("imagenet/r50_mv1/dkd", MDISTILLER, "configs/imagenet/r50_mv1/dkd.yaml", 498, DKD_IMAGENET_R50_MV1));

    // ---- the exceptions, each with its reason ----

    /** Keys of mdistiller (cfg.py or a YAML file) that crld4j has no notion of. */
    private static final Map<String, String> IGNORED = Map.of(
            "LOG.TENSORBOARD_FREQ", "crld4j writes no TensorBoard events; it logs every epoch to log.jsonl and log.csv in the run directory",
            "LOG.WANDB", "crld4j has no Weights & Biases logging");

    /**
     * EXPERIMENT.NAME: every YAML file leaves it "" (mdistiller then names the run PROJECT/TAG, and both
     * ImageNet files carry the tag "CRLD,res34,res18"); the presets name their run directory after the
     * file instead (its path under configs/, without ".yaml"), one per preset, since crld4j resumes
     * from whatever checkpoint its run directory holds.
     */
    private static String runName(Released r) {
        return r.path().substring("configs/".length(), r.path().length() - ".yaml".length());
    }

    /**
     * Names crld4j spells differently, mdistiller's value to crld4j's. ImageNet models: mdistiller looks
     * them up in imagenet_model_dict when DATASET.TYPE is "imagenet", while crld4j's ModelZoo has one
     * namespace, in which ResNet18/34/50 are the CIFAR ResNetV2 models, so its ImageNet networks are
     * "imagenet_...". Tiny-ImageNet: crld4j names datasets as --data does ("tiny-imagenet:<dir>");
     * tinyimagenet200_384 keeps its name (it selects the 384-pixel views). The ViT teacher: CRLD's
     * tools/train_crld.py builds timm's create_model('vit_large_patch16_384') when TEACHER is "vit".
     */
    private static Object crld4jName(String key, Object released, String datasetType) {
        if ((key.equals("DISTILLER.TEACHER") || key.equals("DISTILLER.STUDENT")) && datasetType.equals("imagenet")) {
            Object renamed = IMAGENET_MODELS.get(released);
            if (renamed == null) throw new AssertionError("no crld4j name for mdistiller's ImageNet model " + released);
            return renamed;
        }
        if (key.equals("DATASET.TYPE") && released.equals("tinyimagenet200")) return "tiny-imagenet";
        if (key.equals("DISTILLER.TEACHER") && released.equals("vit")) return "vit_large_patch16_384"; // what train_crld.py builds for "vit"
        return released;
    }

    private static final Map<String, String> IMAGENET_MODELS = Map.of(
            "ResNet18", "imagenet_resnet18", "ResNet34", "imagenet_resnet34", "ResNet50", "imagenet_resnet50", "MobileNetV1", "imagenet_mobilenetv1");

    /**
     * Values a YAML line's own comment corrects: the preset takes the number after "#". In the
     * scx-822 copy imagenet/r34_r18 reads "BATCH_SIZE: 64 # 512" and "NUM_WORKERS: 4 # 32", a local
     * edit (for a smaller machine) of the values its comments keep; r50_mv1 and the paper's ImageNet
     * setting are batch 512 with LR 0.2, which batch 64 would not match.
     */
    private record Commented(String preset, String key, String line) {}

    private static final List<Commented> COMMENTED = List.of(
            new Commented("imagenet/r34_r18", "SOLVER.BATCH_SIZE", "BATCH_SIZE: 64 # 512"),
            new Commented("imagenet/r34_r18", "DATASET.NUM_WORKERS", "NUM_WORKERS: 4 # 32"));

    /** CRLD's own hyperparameters (mdistiller/distillers/CRLD.py reads exactly these). */
    private static final List<String> CRLD_KEYS = List.of("CRLD.CE_WEIGHT", "CRLD.WV_WEIGHT", "CRLD.CV_WEIGHT", "CRLD.TEMPERATURE", "CRLD.TAU_W", "CRLD.TAU_S");

    /** DKD's own hyperparameters (mdistiller/distillers/DKD.py reads exactly these). */
    private static final List<String> DKD_KEYS = List.of("DKD.CE_WEIGHT", "DKD.ALPHA", "DKD.BETA", "DKD.T", "DKD.WARMUP");

    // ---- the tests ----

    @Test void thePresetsAreTheReleasedFiles() {
        List<String> names = StreamSupport.stream(Presets.names().spliterator(), false).toList();
        assertEquals(RELEASED.stream().map(Released::preset).toList(), names, "Presets.names() (what `crld presets` lists)");
    }

    @Test void theQuotedTextsAreWhole() {
        for (Released r : RELEASED) assertEquals(r.chars(), r.yaml().length(), r.path() + ": quoted text's length");
    }

    @Test void everyPresetHasTheReleasedValues() {
        List<String> mismatches = new ArrayList<>();
        Set<Commented> usedComments = new HashSet<>();
        for (Released r : RELEASED) {
            String preset = r.preset();
            Map<String, Object> yaml = flatYaml(r.yaml());
            Map<String, Object> actual = Presets.config(preset).asMap();
            // mdistiller's effective configuration: its defaults, then the file (cfg.merge_from_file)
            Map<String, Object> released = new LinkedHashMap<>(cfgPyDefaults(r.source()));
            released.putAll(yaml);
            String datasetType = (String) released.get("DATASET.TYPE");
            for (var e : released.entrySet()) {
                String key = e.getKey();
                if (IGNORED.containsKey(key)) continue;
                String source = yaml.containsKey(key) ? "YAML" : "cfg.py default";
                if (!actual.containsKey(key)) {
                    mismatches.add(preset + ": " + key + ": " + source + " " + show(e.getValue()) + ", crld4j has no such key");
                    continue;
                }
                Object expected = crld4jName(key, e.getValue(), datasetType);
                String described = expected.equals(e.getValue()) ? show(expected) : show(e.getValue()) + " (crld4j's name " + show(expected) + ")";
                if (key.equals("EXPERIMENT.NAME")) {
                    if (!e.getValue().equals("")) mismatches.add(preset + ": " + key + ": YAML " + show(e.getValue()) + ", expected \"\" (see runName)");
                    expected = runName(r);
                    described = show(e.getValue()) + " (the run directory " + show(expected) + ")";
                }
                for (Commented c : COMMENTED) {
                    if (!c.preset().equals(preset) || !c.key().equals(key)) continue;
                    usedComments.add(c);
                    String[] parts = c.line().split("#");
                    assertTrue(r.yaml().lines().anyMatch(l -> l.strip().equals(c.line())), r.path() + " has no line " + c.line());
                    assertTrue(same(Long.parseLong(parts[0].substring(parts[0].indexOf(':') + 1).strip()), e.getValue()), c.line() + " vs the parsed " + e.getValue());
                    expected = Long.parseLong(parts[1].strip());
                    described = show(e.getValue()) + " (its comment: " + expected + ")";
                }
                if (!same(expected, actual.get(key)))
                    mismatches.add(preset + ": " + key + ": " + source + " " + described + ", preset " + show(actual.get(key)));
            }
            for (String key : yaml.keySet())
                if (!actual.containsKey(key) && !IGNORED.containsKey(key)) mismatches.add(preset + ": " + key + ": the YAML sets a key crld4j does not know");
            for (String key : Presets.get(preset).keySet())
                if (!released.containsKey(key)) mismatches.add(preset + ": " + key + ": the preset sets " + show(actual.get(key)) + ", a key neither the YAML nor cfg.py has");
            for (String role : List.of("DISTILLER.TEACHER", "DISTILLER.STUDENT"))
                if (!ModelZoo.has((String) actual.get(role))) mismatches.add(preset + ": " + role + ": " + show(actual.get(role)) + " is not in crld4j's ModelZoo");
        }
        assertEquals(Set.copyOf(COMMENTED), usedComments, "every commented value is one a YAML file sets");
        assertTrue(mismatches.isEmpty(), "presets differ from the released YAML files:\n" + String.join("\n", mismatches));
    }

    /**
     * Each method's own hyperparameters (CRLD's six, DKD's five): the quoted cfg.py's defaults unless
     * the file's CRLD: or DKD: section overrides them, e.g. DKD's beta 2 for res56 -> res20 and
     * res110 -> res32, 6 for the WRN and VGG students, and ImageNet's T 1 with warm-up 1.
     */
    @Test void methodHyperparametersAreTheDefaultsUnlessTheYamlSetsThem() {
        assertEquals(new TreeSet<>(CRLD_KEYS), sectionKeys(cfgPyDefaults(CRLD).keySet(), "CRLD."), "cfg.py's CRLD section");
        assertEquals(new TreeSet<>(DKD_KEYS), sectionKeys(cfgPyDefaults(MDISTILLER).keySet(), "DKD."), "mdistiller cfg.py's DKD section");
        assertEquals(new TreeSet<>(CRLD_KEYS), sectionKeys(new Config().asMap().keySet(), "CRLD."), "crld4j's CRLD keys");
        assertEquals(new TreeSet<>(DKD_KEYS), sectionKeys(new Config().asMap().keySet(), "DKD."), "crld4j's DKD keys");
        List<String> mismatches = new ArrayList<>();
        int dkdPresets = 0;
        for (Released r : RELEASED) {
            Map<String, Object> yaml = flatYaml(r.yaml()), defaults = cfgPyDefaults(r.source());
            boolean dkd = yaml.get("DISTILLER.TYPE").equals("DKD");
            if (dkd) dkdPresets++;
            Map<String, Object> actual = Presets.config(r.preset()).asMap();
            for (String key : dkd ? DKD_KEYS : CRLD_KEYS) {
                boolean set = yaml.containsKey(key);
                Object expected = set ? yaml.get(key) : defaults.get(key);
                if (!same(expected, actual.get(key)))
                    mismatches.add(r.preset() + " (" + r.source().repo() + " " + r.path() + "): " + key + ": "
                            + (set ? "YAML " : "cfg.py default ") + show(expected) + ", preset " + show(actual.get(key)));
            }
        }
        assertEquals(13, dkdPresets, "mdistiller's DKD files: 11 CIFAR-100 pairs and 2 ImageNet pairs");
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    /** A spot check of the table the issue names, independent of the parsing above. */
    @Test void dkdPerPairSettings() {
        assertEquals(2.0, Presets.config("cifar100/dkd/res56_res20").num("DKD.BETA"));
        assertEquals(2.0, Presets.config("cifar100/dkd/res110_res32").num("DKD.BETA"));
        assertEquals(6.0, Presets.config("cifar100/dkd/vgg13_vgg8").num("DKD.BETA"));
        assertEquals(8.0, Presets.config("cifar100/dkd/res32x4_res8x4").num("DKD.BETA"));
        assertEquals(0.01, Presets.config("cifar100/dkd/res32x4_shuv1").num("SOLVER.LR"));
        Config r34 = Presets.config("imagenet/r34_r18/dkd");
        assertEquals(List.of(0.5, 1.0, 1.0, 1.0), List.of(r34.num("DKD.BETA"), r34.num("DKD.ALPHA"), r34.num("DKD.T"), r34.num("DKD.CE_WEIGHT")));
        assertEquals(1, r34.integer("DKD.WARMUP"));
        assertEquals(10, r34.integer("LOG.SAVE_CHECKPOINT_FREQ"));
        assertEquals(2.0, Presets.config("imagenet/r50_mv1/dkd").num("DKD.BETA"));
        assertEquals("DKD", r34.str("DISTILLER.TYPE"));
        assertEquals("base", r34.str("SOLVER.TRAINER"));
    }

    /** mdistiller's own ImageNet DKD file loads as it is: its TensorBoard key is ignored, and the log line says so. */
    @Test void mdistillersImagenetDkdFileLoadsNamingTheIgnoredKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("dkd.yaml");
        java.nio.file.Files.writeString(file, DKD_IMAGENET_R34_R18);
        Config c = new Config().load(file);
        assertEquals(Map.of("LOG.TENSORBOARD_FREQ", file.toString()), c.ignored());
        assertTrue(c.ignoredSummary().contains("LOG.TENSORBOARD_FREQ") && c.ignoredSummary().contains(file.toString()), c.ignoredSummary());
        assertEquals(10, c.integer("LOG.SAVE_CHECKPOINT_FREQ"));
        assertEquals(0.5, c.num("DKD.BETA"));
        assertEquals(List.of("DISTILLER.TEACHER ResNet34 -> imagenet_resnet34 (mdistiller's ImageNet model for DATASET.TYPE imagenet)",
                "DISTILLER.STUDENT ResNet18 -> imagenet_resnet18 (mdistiller's ImageNet model for DATASET.TYPE imagenet)"),
                org.crld4j.crld.train.TrainerChecks.useImagenetModelNames(c));
        Map<String, Object> loaded = c.asMap(), preset = Presets.config("imagenet/r34_r18/dkd").asMap();
        loaded.remove("EXPERIMENT.NAME"); // the preset names its run directory (see runName)
        preset.remove("EXPERIMENT.NAME");
        assertEquals(preset, loaded, "the file loaded is the preset");
        assertEquals(null, new Config().ignoredSummary(), "nothing ignored, no log line");
        java.nio.file.Files.writeString(file, DKD_IMAGENET_R34_R18.replace("TENSORBOARD_FREQ", "TENSORBORD_FREQ"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> new Config().load(file));
        assertTrue(e.getMessage().contains("LOG.TENSORBORD_FREQ") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test void ignoredKeysAreOnesCrld4jDoesNotHave() {
        assertEquals(IGNORED.keySet(), Config.NO_EFFECT.keySet(), "the keys this test skips are the ones Config accepts and ignores");
        Set<String> mdistillerKeys = new HashSet<>(cfgPyDefaults(CRLD).keySet());
        mdistillerKeys.addAll(cfgPyDefaults(MDISTILLER).keySet());
        for (Released r : RELEASED) mdistillerKeys.addAll(flatYaml(r.yaml()).keySet());
        Config c = new Config();
        for (String key : IGNORED.keySet()) {
            assertTrue(mdistillerKeys.contains(key), key + " is ignored but neither cfg.py's quoted lines nor a YAML file has it");
            assertFalse(c.has(key), key + " is ignored but crld4j has it: compare it instead");
        }
    }

    private static TreeSet<String> sectionKeys(Set<String> keys, String prefix) {
        return new TreeSet<>(keys.stream().filter(k -> k.startsWith(prefix)).toList());
    }

    // ---- parsing and comparing ----

    private static final Pattern CFG_LINE = Pattern.compile("CFG\\.([A-Za-z_.]+) = (.+?)(\\s+#.*)?");

    /** The quoted cfg.py lines as dotted keys to values; a line this does not understand fails. */
    private static Map<String, Object> cfgPyDefaults(Source source) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : source.cfgPy().lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) continue;
            Matcher m = CFG_LINE.matcher(line);
            assertTrue(m.matches(), "cfg.py line not understood: " + line);
            if (m.group(2).equals("CN()")) continue;
            out.put(m.group(1), python(m.group(2)));
        }
        return out;
    }

    /** A Python literal of cfg.py: a string, an int, a float, a bool or a list of ints. */
    private static Object python(String v) {
        if (v.startsWith("\"") && v.endsWith("\"")) return v.substring(1, v.length() - 1);
        if (v.equals("True") || v.equals("False")) return v.equals("True");
        if (v.startsWith("[") && v.endsWith("]"))
            return java.util.Arrays.stream(v.substring(1, v.length() - 1).split(",")).map(s -> Long.parseLong(s.strip())).toList();
        return v.matches("-?\\d+") ? (Object) Long.parseLong(v) : (Object) Double.parseDouble(v);
    }

    /** A YAML file's nested mappings as dotted keys (EXPERIMENT.TAG, DATASET.TEST.BATCH_SIZE, ...). */
    private static Map<String, Object> flatYaml(String text) {
        Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", (Map<?, ?>) root, out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
        for (var e : m.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> sub) flatten(key + ".", sub, out);
            else out.put(key, e.getValue());
        }
    }

    /** Numbers by value (YAML's 64 and crld4j's 64L, 4 and 4.0), lists element by element, the rest by equals. */
    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!same(x.get(i), y.get(i))) return false;
            return true;
        }
        return Objects.equals(a, b);
    }

    private static String show(Object v) { return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v); }
}
