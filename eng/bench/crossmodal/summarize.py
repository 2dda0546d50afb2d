"""Prints the cross-modal short-run report (markdown) from the JSON files that run.sh wrote."""
import json
import re
import sys
from pathlib import Path

out = Path(sys.argv[1])


def load(name):
    return json.loads((out / name).read_text())


def random_row(candidates):
    # One correct candidate among C, uniformly random ranking: R@k = k/C, median rank (C+1)/2.
    return {"r1": 1 / candidates, "r5": 5 / candidates, "r10": 10 / candidates, "median_rank": (candidates + 1) / 2}


variants = [t for t in ("bow", "transformer", "fusion", "vit") if (out / f"eval-{t}.json").exists()]
ev = {t: load(f"eval-{t}.json") for t in variants}
first = ev[variants[0]]
rows = [("random ranking", random_row(first["image_to_text"]["candidates"]), random_row(first["text_to_image"]["candidates"]))]
names = {"bow": "CNN + bag of subwords (baseline)", "transformer": "CNN + transformer", "fusion": "CNN + transformer + fusion head", "vit": "ViT + transformer"}
for t in variants:
    rows.append((names[t] + (", no re-ranking" if "reranked" in ev[t] else ""), ev[t]["image_to_text"], ev[t]["text_to_image"]))
    if "reranked" in ev[t]:
        r = ev[t]["reranked"]
        rows.append((f"{names[t]}, top {r['top']} re-ranked: scale x cosine + {r['match_weight']:g} x match logit (weight chosen on validation)",
                     r["image_to_text"], r["text_to_image"]))
        head = out / f"eval-{t}-head.json"
        if head.exists():
            h = load(head.name)["reranked"]
            rows.append((f"{names[t]}, top {h['top']} re-ranked by the fusion head alone (weight {h['match_weight']:g})", h["image_to_text"], h["text_to_image"]))
print("| model | i→t R@1 | R@5 | R@10 | median rank | t→i R@1 | R@5 | R@10 | median rank |")
print("|---|---|---|---|---|---|---|---|---|")
for name, a, b in rows:
    f = lambda m: f"{m['r1']:.3f} | {m['r5']:.3f} | {m['r10']:.3f} | {m['median_rank']:.0f}"
    print(f"| {name} | {f(a)} | {f(b)} |")
print()
zs = [("g-prev", "groups: names, 3 templates (previous setting)"), ("g-sub-max-cap", "groups: subgroup names, max"),
      ("g-sub-sum-cap", "groups: subgroup names, sum (hierarchical)"), ("g-train-sum", "groups: training emoji names, sum"),
      ("s-prev", "subgroups: names (previous setting)"), ("s-names-cap", "subgroups: names, all 99"),
      ("s-train-sum", "subgroups: training emoji names, sum")]
print("| model | zero-shot setting | classes | accuracy | balanced acc. | majority acc. / balanced | chance |")
print("|---|---|---|---|---|---|---|")
for t in variants:
    for cid, what in zs:
        f = out / f"zs-test-{t}-{cid}.json"
        if f.exists():
            j = load(f.name)
            print(f"| {t} | {what} | {j['classes']} | {j['accuracy']:.3f} | {j['balanced_accuracy']:.3f} | "
                  f"{j['majority_accuracy']:.3f} / {j['majority_balanced_accuracy']:.3f} | {j['chance_accuracy']:.3f} |")
print()
for t in variants:
    log = (out / f"train-{t}.log").read_text()
    m = re.search(r"trained in ([0-9.]+) s \((.*)\)", log)
    wall = (out / f"train-{t}.time").read_text().strip()
    rerank = f"; re-ranking the top {ev[t]['reranked']['top']} of all queries both ways: {ev[t]['reranked']['seconds']} s" if "reranked" in ev[t] else ""
    tp = ev[t]["throughput"]
    lat = ev[t].get("search_latency", {})
    print(f"- {t}: training {m.group(1) if m else '?'} s ({m.group(2) if m else ''}; {wall}); "
          f"embedding {tp['images_per_second']} images/s, {tp['texts_per_second']} texts/s "
          f"({tp['device']}, {tp['threads']} threads); search over {lat.get('indexed_items')} items, top-10: "
          f"{lat.get('single_query_ms')} ms per single query, {lat.get('batch_of_100_queries_ms')} ms per 100 queries{rerank}")
