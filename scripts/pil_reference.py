"""Expected pixels for crld4j's image augmentation tests, computed by PIL exactly as CRLD's
released dataset code applies it (mdistiller/dataset/cifar100.py of the CRLD release: the local
RandAugment's 14 ops, Cutout/CutoutAbs; torchvision's RandomCrop(padding), RandomHorizontalFlip,
RandomResizedCrop, Resize and CenterCrop on PIL images).

    /usr/bin/python3 scripts/pil_reference.py JOB.json OUTDIR

JOB.json: {"images": {NAME: {"file": F, "height": H, "width": W}},
           "cases": [{"name": N, "image": NAME, "steps": [STEP, ...]}]}
with raw 8-bit RGB files (H x W x 3, row-major) beside JOB.json and steps
  ["pad_crop", pad, top, left, size]      RandomCrop(size, padding=pad) at the drawn offsets
  ["flip"]                                RandomHorizontalFlip when it fires
  ["op", OP_NAME, v]                      one RandAugment op with magnitude v
  ["cutout", cx, cy, side]                CutoutAbs with np.random.uniform's draws cx, cy
  ["resized_crop", top, left, h, w, size] RandomResizedCrop's crop and bilinear resize
  ["resize_shorter", size(, FILTER)]      Resize(size): the shorter side to size, BILINEAR (or BICUBIC)
  ["resize", h, w, FILTER]                Image.resize((w, h), FILTER)
  ["center_crop", size]                   CenterCrop(size)
Writes OUTDIR/N.rgb (raw RGB) and OUTDIR/N.shape ("H W") per case.
"""
import json
import os
import sys

from PIL import Image, ImageDraw, ImageEnhance, ImageOps

# The released augment_list() functions (PIL defaults: NEAREST, black fill, no expand).
OPS = {
    "AUTO_CONTRAST": lambda img, v: ImageOps.autocontrast(img),
    "BRIGHTNESS": lambda img, v: ImageEnhance.Brightness(img).enhance(v),
    "COLOR": lambda img, v: ImageEnhance.Color(img).enhance(v),
    "CONTRAST": lambda img, v: ImageEnhance.Contrast(img).enhance(v),
    "EQUALIZE": lambda img, v: ImageOps.equalize(img),
    "IDENTITY": lambda img, v: img,
    "POSTERIZE": lambda img, v: ImageOps.posterize(img, max(1, int(v))),
    "ROTATE": lambda img, v: img.rotate(v),
    "SHARPNESS": lambda img, v: ImageEnhance.Sharpness(img).enhance(v),
    "SHEAR_X": lambda img, v: img.transform(img.size, Image.AFFINE, (1, v, 0, 0, 1, 0)),
    "SHEAR_Y": lambda img, v: img.transform(img.size, Image.AFFINE, (1, 0, 0, v, 1, 0)),
    "SOLARIZE": lambda img, v: ImageOps.solarize(img, v),
    "TRANSLATE_X": lambda img, v: img.transform(img.size, Image.AFFINE, (1, 0, v * img.size[0], 0, 1, 0)),
    "TRANSLATE_Y": lambda img, v: img.transform(img.size, Image.AFFINE, (1, 0, 0, 0, 1, v * img.size[1])),
}


def cutout_abs(img, cx, cy, v):
    """CutoutAbs with the centre draws given (the release draws them with np.random.uniform(w))."""
    w, h = img.size
    x0 = int(max(0, cx - v / 2.0))
    y0 = int(max(0, cy - v / 2.0))
    x1 = min(w, x0 + v)
    y1 = min(h, y0 + v)
    img = img.copy()
    ImageDraw.Draw(img).rectangle((x0, y0, x1, y1), (125, 123, 114))
    return img


def apply(img, step):
    kind = step[0]
    if kind == "pad_crop":  # torchvision: F.pad(img, pad, fill=0), then crop at (top, left)
        pad, top, left, size = step[1:]
        img = ImageOps.expand(img, border=pad, fill=0)
        return img.crop((left, top, left + size, top + size))
    if kind == "flip":
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    if kind == "op":
        return OPS[step[1]](img, step[2])
    if kind == "cutout":
        return cutout_abs(img, *step[1:])
    if kind == "resized_crop":  # torchvision's F.resized_crop on PIL: crop, then resize BILINEAR
        top, left, h, w, size = step[1:]
        return img.crop((left, top, left + w, top + h)).resize((size, size), Image.BILINEAR)
    if kind == "resize_shorter":  # torchvision's Resize(size) with an int: the shorter side becomes size
        size = step[1]
        resample = getattr(Image, step[2]) if len(step) > 2 else Image.BILINEAR
        w, h = img.size
        if (w <= h and w == size) or (h <= w and h == size):
            return img
        if w <= h:
            return img.resize((size, int(size * h / w)), resample)
        return img.resize((int(size * w / h), size), resample)
    if kind == "resize":
        return img.resize((step[2], step[1]), getattr(Image, step[3]))
    if kind == "center_crop":  # torchvision: round((H - size) / 2), round((W - size) / 2)
        size = step[1]
        top = int(round((img.size[1] - size) / 2.0))
        left = int(round((img.size[0] - size) / 2.0))
        return img.crop((left, top, left + size, top + size))
    raise ValueError("unknown step %r" % (step,))


def main():
    job_file, out = sys.argv[1], sys.argv[2]
    base = os.path.dirname(os.path.abspath(job_file))
    with open(job_file) as f:
        job = json.load(f)
    images = {}
    for name, spec in job["images"].items():
        with open(os.path.join(base, spec["file"]), "rb") as f:
            images[name] = Image.frombytes("RGB", (spec["width"], spec["height"]), f.read())
    os.makedirs(out, exist_ok=True)
    for case in job["cases"]:
        img = images[case["image"]]
        for step in case["steps"]:
            img = apply(img, step)
        with open(os.path.join(out, case["name"] + ".rgb"), "wb") as f:
            f.write(img.convert("RGB").tobytes())
        with open(os.path.join(out, case["name"] + ".shape"), "w") as f:
            f.write("%d %d" % (img.size[1], img.size[0]))
    print(len(job["cases"]), "cases")


if __name__ == "__main__":
    main()
