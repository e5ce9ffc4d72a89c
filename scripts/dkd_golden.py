"""Golden tensors for DKD (Decoupled KD, CVPR'22) as mdistiller's DKD.py computes it, written
in the format of ../shared/golden (raw little-endian float32 / int32 files and manifest.json,
which crld4j's GoldenSet reads).

    /usr/bin/python3 scripts/dkd_golden.py OUTDIR [--seed SEED]

Per case: student and teacher logits (float32), targets, and, computed in float64 from those
float32 values: TCKD and NCKD (batch means, times T^2), alpha TCKD + beta NCKD, and its gradient
with respect to the student logits. The formula, with p = softmax(t / T), q = softmax(s / T):
  TCKD = T^2 / N sum_i KL([p_y, 1 - p_y] || [q_y, 1 - q_y]), the student side as log of the sums;
  NCKD = T^2 / N sum_i KL(softmax(t/T - 1000 [y]) || softmax(s/T - 1000 [y])), with log_softmax
  on the student side (the target class pushed out by subtracting 1000 from its logit).
"""
import argparse
import json
import os

import torch
import torch.nn.functional as F


def dkd_parts(s, t, y, temperature):
    """TCKD and NCKD, each summed over the batch, divided by N and times T^2, as DKD.py."""
    n = y.shape[0]
    target = F.one_hot(y, s.shape[1]).to(s.dtype)
    q = F.softmax(s / temperature, dim=1)
    p = F.softmax(t / temperature, dim=1)
    q_bin = torch.stack([(q * target).sum(1), (q * (1 - target)).sum(1)], dim=1)
    p_bin = torch.stack([(p * target).sum(1), (p * (1 - target)).sum(1)], dim=1)
    tckd = F.kl_div(torch.log(q_bin), p_bin, reduction="sum") * temperature ** 2 / n
    log_q_hat = F.log_softmax(s / temperature - 1000.0 * target, dim=1)
    p_hat = F.softmax(t / temperature - 1000.0 * target, dim=1)
    nckd = F.kl_div(log_q_hat, p_hat, reduction="sum") * temperature ** 2 / n
    return tckd, nckd


CASES = {
    # name: (batch, classes, logit scale of student / teacher, alpha, beta, temperature)
    "dkd_cifar": (8, 10, 2.0, 3.0, 1.0, 8.0, 4.0),       # mdistiller's CIFAR defaults
    "dkd_beta2": (6, 100, 1.5, 4.0, 1.0, 2.0, 4.0),      # res56 -> res20 / res110 -> res32 settings
    "dkd_imagenet": (5, 1000, 2.0, 5.0, 0.5, 0.5, 1.0),  # ImageNet: T 1
    "dkd_confident": (7, 10, 6.0, 12.0, 1.0, 8.0, 2.0),  # large logits: near one-hot teacher
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tensors, cases = [], {}

    def put(case, name, t):
        arr = t.detach().numpy()
        dtype, ext = ("int32", "i32") if t.dtype in (torch.int64, torch.int32) else ("float32", "f32")
        arr = arr.astype("<i4" if dtype == "int32" else "<f4")
        fname = "%s.%s.%s" % (case, name, ext)
        arr.tofile(os.path.join(args.out, fname))
        tensors.append({"name": "%s.%s" % (case, name), "shape": list(t.shape), "dtype": dtype, "file": fname, "case": case})

    for k, (name, (n, c, s_scale, t_scale, alpha, beta, temperature)) in enumerate(CASES.items()):
        g = torch.Generator().manual_seed(args.seed * 1000 + k)
        s32 = (torch.randn(n, c, generator=g) * s_scale).float()
        t32 = (torch.randn(n, c, generator=g) * t_scale).float()
        y = torch.randint(0, c, (n,), generator=g)
        s = s32.double().requires_grad_(True)
        tckd, nckd = dkd_parts(s, t32.double(), y, temperature)
        loss = alpha * tckd + beta * nckd
        loss.backward()
        for key, v in (("student_logits", s32), ("teacher_logits", t32), ("target", y), ("tckd", tckd), ("nckd", nckd),
                       ("loss", loss), ("grad_student", s.grad)):
            put(name, key, v.float() if v.dtype == torch.float64 else v)
        cases[name] = {"op": "DKD", "alpha": alpha, "beta": beta, "temperature": temperature, "seed": args.seed}

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"tensors": tensors, "cases": cases, "generator": "scripts/dkd_golden.py"}, f, indent=1)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
