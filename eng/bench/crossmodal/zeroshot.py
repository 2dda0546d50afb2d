"""Zero-shot classification of emoji images into the groups and subgroups of emoji.tsv, many ways at once.

Usage: python3 eng/bench/crossmodal/zeroshot.py SPLIT [DATA_DIR] [OUT_DIR]
  SPLIT valid: the pairs that `crossmodal train --valid-group '^[^:(]+' --seed 42` held out (never trained on), where
               every setting is chosen; test: pairs-test.tsv, once, for the settings chosen on valid (CONFIGS).
  Environment: VARIANTS (models cm-VARIANT.zip in OUT_DIR, default "transformer"), CONFIGS (ids below, default all),
               MLEXT_DLL (run `dotnet MLEXT_DLL` instead of eng/mlext).
Writes OUT_DIR/zs-SPLIT-VARIANT-ID.json and prints a markdown table (accuracy, balanced accuracy, baselines).

Class descriptions built here (files in OUT_DIR):
  group-names.tsv, subgroup-names.tsv
                            every group / subgroup of emoji.tsv described by its own name
  group-subgroups.tsv       each group described by the names of its subgroups (class metadata of emoji.tsv, no image)
  group-name-subgroups.tsv  the same plus the group's own name
  group-train-names-SPLIT.tsv / subgroup-train-names-SPLIT.tsv
                            each class described by the names of the emoji labelled with it among the pairs the model
                            was trained on (text only, skin tones merged). Not zero-shot in the strict sense: it uses
                            the training emoji's labels, though no labelled image.
"""
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

root = Path(__file__).resolve().parents[3]
split = sys.argv[1] if len(sys.argv) > 1 else "valid"
data = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/mlx-data/emoji-captions").resolve()
out = Path(sys.argv[3] if len(sys.argv) > 3 else root / "build/bench/crossmodal").resolve()
variants = os.environ.get("VARIANTS", "transformer").split()
if split not in ("valid", "test"):
    sys.exit(f"SPLIT must be valid or test, got {split}")


def mlext(*args):
    dll = os.environ.get("MLEXT_DLL")
    cmd = (["dotnet", dll] if dll else [str(root / "eng/mlext")]) + [str(a) for a in args]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


with open(data / "emoji.tsv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
by_path = {str(data / r["path"]): r for r in rows}

# The evaluated images.
if split == "valid":
    held = out / "valid-pairs.tsv"
    mlext("crossmodal", "holdout", "--pairs", data / "pairs-train.tsv", "--out", held, "--valid-group", "^[^:(]+", "--seed", 42)
    with open(held, encoding="utf-8") as f:
        images = [line.split("\t")[0] for line in f.read().splitlines()[1:] if line]
else:
    images = [str(data / r["path"]) for r in rows if r["split"] == "test"]
held_out = set(images) if split == "valid" else set()
for task, column in (("group", "group"), ("subgroup", "subgroup")):
    with open(out / f"zs-{task}-{split}.tsv", "w", encoding="utf-8") as f:
        f.write("image_path\tlabel\n")
        for p in images:
            f.write(f"{p}\t{by_path[p][column]}\n")


def write_descriptions(name, pairs):
    seen, lines = set(), ["label\tdescription"]
    for label, text in pairs:
        if (label, text) not in seen:
            seen.add((label, text))
            lines.append(f"{label}\t{text}")
    (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out / name


groups = sorted({r["group"] for r in rows})
subgroups = sorted({r["subgroup"] for r in rows})
# Every config has the same candidates: all groups (9) or all subgroups of emoji.tsv, whether or not the evaluated
# images hold them (except the "prev" rows, whose classes are the evaluated images' labels, as in the previous report).
write_descriptions("group-names.tsv", [(g, g) for g in groups])
write_descriptions("subgroup-names.tsv", [(s, s) for s in subgroups])
write_descriptions("group-subgroups.tsv", [(r["group"], r["subgroup"]) for r in rows])
write_descriptions("group-name-subgroups.tsv", [(g, g) for g in groups] + [(r["group"], r["subgroup"]) for r in rows])
trained = [r for r in rows if r["split"] == "train" and str(data / r["path"]) not in held_out]
base = lambda r: r["name"].split(":")[0].strip()
write_descriptions(f"group-train-names-{split}.tsv", [(r["group"], base(r)) for r in trained])
# Every subgroup is a class, described by its training emoji; a subgroup with none keeps its own name.
with_names = {r["subgroup"] for r in trained}
write_descriptions(f"subgroup-train-names-{split}.tsv",
                   [(r["subgroup"], base(r)) for r in trained] + [(s, s) for s in subgroups if s not in with_names])

T1 = ["{0}"]
T3 = ["{0}", "an emoji of {0}", "{0} emoji"]
TCAP = ["{0} ({0})"]
TDEF = ["{0}", "a picture of {0}", "an icon of {0}", "a {0} emoji"]
# id: (task, descriptions file or None for the class names, aggregate, name parts, templates, what it is)
G, S = "group-names.tsv", "subgroup-names.tsv"
GS, GT, ST = "group-subgroups.tsv", f"group-train-names-{split}.tsv", f"subgroup-train-names-{split}.tsv"
configs = {
    "g-prev": ("group", None, "mean", False, T3, "group names, 3 templates; classes: the images' labels (previous report)"),
    "g-names-1t": ("group", G, "mean", False, T1, "group names, {0}"),
    "g-names-3t": ("group", G, "mean", False, T3, "group names, 3 templates"),
    "g-names-cap": ("group", G, "mean", False, TCAP, "group names, {0} ({0})"),
    "g-names-parts-3t": ("group", G, "mean", True, T3, "group names and their parts, 3 templates"),
    "g-names-parts-def": ("group", G, "mean", True, TDEF, "group names and their parts, 4 default templates"),
    "g-sub-mean-1t": ("group", GS, "mean", True, T1, "subgroup names, mean vector"),
    "g-sub-max-1t": ("group", GS, "max", True, T1, "subgroup names, max"),
    "g-sub-sum-1t": ("group", GS, "sum", True, T1, "subgroup names, sum (hierarchical)"),
    "g-sub-max-3t": ("group", GS, "max", True, T3, "subgroup names, max, 3 templates"),
    "g-sub-sum-3t": ("group", GS, "sum", True, T3, "subgroup names, sum (hierarchical), 3 templates"),
    "g-sub-mean-cap": ("group", GS, "mean", True, TCAP, "subgroup names, mean vector, {0} ({0})"),
    "g-sub-max-cap": ("group", GS, "max", True, TCAP, "subgroup names, max, {0} ({0})"),
    "g-sub-sum-cap": ("group", GS, "sum", True, TCAP, "subgroup names, sum (hierarchical), {0} ({0})"),
    "g-sub-max-cap3": ("group", GS, "max", True, TCAP + T3, "subgroup names, max, {0} ({0}) + 3 templates"),
    "g-sub-sum-cap3": ("group", GS, "sum", True, TCAP + T3, "subgroup names, sum (hierarchical), {0} ({0}) + 3 templates"),
    "g-namesub-max-cap": ("group", "group-name-subgroups.tsv", "max", True, TCAP, "group and subgroup names, max, {0} ({0})"),
    "g-namesub-sum-cap": ("group", "group-name-subgroups.tsv", "sum", True, TCAP, "group and subgroup names, sum, {0} ({0})"),
    "g-train-mean": ("group", GT, "mean", False, T1, "training emoji names, mean vector"),
    "g-train-max": ("group", GT, "max", False, T1, "training emoji names, max"),
    "g-train-sum": ("group", GT, "sum", False, T1, "training emoji names, sum"),
    "s-prev": ("subgroup", None, "mean", True, TCAP, "subgroup names and parts, {0} ({0}); classes: the images' labels (previous report)"),
    "s-names-1t": ("subgroup", S, "mean", True, T1, "subgroup names and parts, {0}"),
    "s-names-3t": ("subgroup", S, "mean", True, T3, "subgroup names and parts, 3 templates"),
    "s-names-cap": ("subgroup", S, "mean", True, TCAP, "subgroup names and parts, {0} ({0})"),
    "s-names-cap3": ("subgroup", S, "mean", True, TCAP + T3, "subgroup names and parts, {0} ({0}) + 3 templates"),
    "s-names-noparts-cap": ("subgroup", S, "mean", False, TCAP, "subgroup names, {0} ({0})"),
    "s-train-mean": ("subgroup", ST, "mean", False, T1, "training emoji names, mean vector"),
    "s-train-max": ("subgroup", ST, "max", False, T1, "training emoji names, max"),
    "s-train-sum": ("subgroup", ST, "sum", False, T1, "training emoji names, sum"),
}
chosen = os.environ.get("CONFIGS", " ".join(configs)).split()
print(f"{split}: {len(images)} images; load average before: {open('/proc/loadavg').read().split()[:3]}")
print("| model | id | classes | description | accuracy | balanced acc. | majority acc. / bal. | chance | texts with [UNK] | s |")
print("|---|---|---|---|---|---|---|---|---|---|")
for variant in variants:
    model = out / f"cm-{variant}.zip"
    for cid in chosen:
        task, desc, agg, parts, templates, what = configs[cid]
        args = ["crossmodal", "zeroshot", "--model", model, "--in", out / f"zs-{task}-{split}.tsv", "--aggregate", agg]
        if desc:
            args += ["--descriptions", out / desc]
        if parts:
            args.append("--name-parts")
        for t in templates:
            args += ["--template", t]
        result = out / f"zs-{split}-{variant}-{cid}.json"
        start = time.time()
        mlext(*args, "--metrics-out", result)
        j = json.loads(result.read_text())
        print(f"| {variant} | {cid} | {j['classes']} | {what} | {j['accuracy']:.3f} | {j['balanced_accuracy']:.3f} | "
              f"{j['majority_accuracy']:.3f} / {j['majority_balanced_accuracy']:.3f} | {j['chance_accuracy']:.3f} | "
              f"{j['texts_with_unknown_tokens']} of {j['texts']} | {time.time() - start:.0f} |", flush=True)
