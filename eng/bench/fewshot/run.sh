#!/usr/bin/env bash
# Few-shot quality and speed report (BENCHMARKS.md, "FewShotClassifier" section).
# Uses the shared data (not part of the repository): Omniglot small backgrounds unzipped to /tmp/mlx-data/omniglot,
# /tmp/mlx-data/digits from ../shared/datasets/prep-all.sh, /tmp/mlx-data/glyphs from ../shared/datasets/prep-glyphs.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
out=${OUT:-/tmp/fs}
mkdir -p "$out"
O=/tmp/mlx-data/omniglot
GL=/tmp/mlx-data/glyphs
EVAL_GROUPS='Japanese_(katakana),Sanskrit,Tagalog'   # the alphabets of small2 that small1 lacks

# Omniglot: train on images_background_small1 (rotations as classes), evaluate on the new alphabets of small2.
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-protonet.zip" --invert --rotations \
  --ways 20 --shots 1 --queries 5 --episodes 500 --lr-halving 250 --validate-every 100 --validation-episodes 100 --seed 1
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-simpleshot.zip" --algorithm simpleshot \
  --invert --rotations --episodes 300 --validate-every 0 --seed 1
# Longer runs (BENCHMARKS: "Longer runs of both on the same split").
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-protonet-2k.zip" --invert --rotations \
  --ways 20 --shots 1 --queries 5 --episodes 2000 --lr-halving 1000 --validate-every 250 --validation-episodes 100 --seed 1
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-simpleshot-2k.zip" --algorithm simpleshot \
  --invert --rotations --episodes 2000 --validate-every 0 --seed 1
for m in protonet-2k simpleshot-2k; do
  for wg in "" "--within-group"; do
    eng/mlext fewshot evaluate --model "$out/omni-$m.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
      --ways 5,20 --shots 1,5 --queries 15 --episodes 600 $wg --seed 1 --metrics-out "$out/omni-$m${wg:+-within}.json"
  done
done
for m in protonet simpleshot; do
  for cfg in "5 1" "5 5" "20 1" "20 5"; do
    set -- $cfg
    for wg in "" "--within-group"; do
      eng/mlext fewshot evaluate --model "$out/omni-$m.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
        --ways $1 --shots $2 --queries 15 --episodes 600 $wg --metrics-out "$out/omni-$m-$1w$2s${wg:+-within}.json"
    done
  done
done
for cfg in "5 1" "5 5" "20 1" "20 5"; do
  set -- $cfg
  for wg in "" "--within-group"; do
    /usr/bin/python3 eng/bench/fewshot/raw_nn.py --folder $O/images_background_small2 --groups "$EVAL_GROUPS" --invert --ways $1 --shots $2 $wg
  done
done

# Digits (feature vectors): train on classes 0-4, evaluate 5-way on classes 5-9.
# Settings were chosen on held-out base classes only (eng/bench/fewshot/digits_select.sh: folds over 0-4).
for sel in "raw" "pn-perfeature --standardise per-feature --episodes 1000" "pn-global --episodes 1000" "pn-none --standardise none --episodes 1000" \
           "pn-cosine --distance cosine --episodes 1000" "pn-global-200 --episodes 200" "ss-perfeature --algorithm simpleshot --standardise per-feature --episodes 1000" \
           "ss-global --algorithm simpleshot --episodes 1000"; do
  eng/bench/fewshot/digits_select.sh $sel
done
for m in protonet simpleshot; do
  for std in per-feature global; do
    eng/mlext fewshot train --train /tmp/mlx-data/digits/all.csv --label-column label --classes 0,1,2,3,4 --algorithm $m --standardise $std \
      --ways 5 --shots 1 --queries 10 --episodes 1000 --validate-every 0 --out "$out/digits-$m-$std.zip" --seed 1
    eng/mlext fewshot evaluate --model "$out/digits-$m-$std.zip" --data /tmp/mlx-data/digits/all.csv --classes 5,6,7,8,9 \
      --ways 5 --shots 1,5 --queries 15 --episodes 600 --metrics-out "$out/digits-$m-$std.json"
  done
done
for k in 1 5; do /usr/bin/python3 eng/bench/fewshot/raw_nn.py --csv /tmp/mlx-data/digits/all.csv --classes 5,6,7,8,9 --ways 5 --shots $k; done
# The setting chosen on the base-class folds: SimpleShot, global standardisation, 200 mini-batches.
eng/mlext fewshot train --train /tmp/mlx-data/digits/all.csv --label-column label --classes 0,1,2,3,4 --algorithm simpleshot \
  --ways 5 --shots 1 --queries 10 --episodes 200 --validate-every 0 --out "$out/digits-ss200.zip" --seed 1
eng/mlext fewshot evaluate --model "$out/digits-ss200.zip" --data /tmp/mlx-data/digits/all.csv --classes 5,6,7,8,9 \
  --ways 5 --shots 1,5 --queries 15 --episodes 600 --metrics-out "$out/digits-ss200.json"

# glyphs: train on the 30 background alphabets (rotations as classes), evaluate on the 20 evaluation alphabets.
# --auto-invert makes every image light-on-dark, so the same model reads glyphs and (inverted) Omniglot images.
eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-protonet.zip" --auto-invert --rotations \
  --ways 20 --shots 1 --queries 5 --episodes 500 --lr-halving 250 --validate-every 125 --validation-episodes 100 --seed 1
# SimpleShot: 300 mini-batches (barely trained with this many classes) and 2000 (halved every 1000).
eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-simpleshot.zip" --algorithm simpleshot --auto-invert --rotations \
  --episodes 300 --validate-every 0 --seed 1
eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-simpleshot-2k.zip" --algorithm simpleshot --auto-invert --rotations \
  --episodes 2000 --lr-halving 1000 --validate-every 0 --seed 1
for m in protonet simpleshot simpleshot-2k; do
  eng/mlext fewshot evaluate --model "$out/glyphs-$m.zip" --data $GL/images_evaluation --ways 5,20 --shots 1,5 --queries 15 --episodes 600 \
    --metrics-out "$out/glyphs-$m-eval.json"
done
for cfg in "5 1" "5 5" "20 1" "20 5"; do
  set -- $cfg
  /usr/bin/python3 eng/bench/fewshot/raw_nn.py --folder $GL/images_evaluation --ways $1 --shots $2
done

# Transfer: train on glyphs (background) + Omniglot images_background_small1 (two --train roots, mixed polarity), evaluate on
# the Omniglot alphabets of small2 that small1 lacks (raw NN on them: the Omniglot loop above). The glyphs-only model is
# evaluated there too.
eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-protonet.zip" --auto-invert --rotations \
  --ways 20 --shots 1 --queries 5 --episodes 500 --lr-halving 250 --validate-every 125 --validation-episodes 100 --seed 1
eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-simpleshot.zip" --algorithm simpleshot \
  --auto-invert --rotations --episodes 300 --validate-every 0 --seed 1
eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-simpleshot-2k.zip" --algorithm simpleshot \
  --auto-invert --rotations --episodes 2000 --lr-halving 1000 --validate-every 0 --seed 1
for m in mix-protonet mix-simpleshot mix-simpleshot-2k glyphs-protonet glyphs-simpleshot glyphs-simpleshot-2k; do
  for wg in "" "--within-group"; do
    eng/mlext fewshot evaluate --model "$out/$m.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" --ways 5,20 --shots 1,5 \
      --queries 15 --episodes 600 $wg --metrics-out "$out/$m-omni${wg:+-within}.json"
  done
done

# Speed: the same ProtoNet episode and batched scoring, MLExtensions vs python3-torch, interleaved.
dotnet build eng/bench/fewshot/FewShotBench -c Release -o build/fewshot-bench -v quiet
for i in 1 2; do
  dotnet build/fewshot-bench/fewshot-bench.dll 2 20
  /usr/bin/python3 eng/bench/fewshot/protonet_peer.py 2 20
done

# Gradient-based methods on digits, with the former per-feature and the new global standardisation.
for m in maml fomaml reptile; do
  for std in per-feature global; do
    eng/mlext fewshot train --train /tmp/mlx-data/digits/all.csv --label-column label --classes 0,1,2,3,4 --algorithm $m --standardise $std \
      --ways 5 --shots 1 --queries 10 --episodes 300 --inner-steps 5 --inner-lr 0.1 --reptile-step 0 --validate-every 0 --out "$out/digits-$m-$std.zip" --seed 1
    eng/mlext fewshot evaluate --model "$out/digits-$m-$std.zip" --data /tmp/mlx-data/digits/all.csv --classes 5,6,7,8,9 \
      --ways 5 --shots 1,5 --queries 15 --episodes 300 --metrics-out "$out/digits-$m-$std.json"
  done
done

# MAML (second order), FOMAML and Reptile on Omniglot (short runs; --reptile-step 0: Adam on the meta-step, as then).
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-fomaml.zip" --algorithm fomaml --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 400 --inner-steps 5 --inner-lr 0.4 --validate-every 0 --seed 1
for k in 1 5; do
  eng/mlext fewshot evaluate --model "$out/omni-fomaml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots $k --queries 15 --episodes 200 --metrics-out "$out/omni-fomaml-5w${k}s.json"
done
for cfg in "maml 150" "reptile 300"; do
  set -- $cfg
  eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-$1.zip" --algorithm $1 --invert --rotations \
    --ways 5 --shots 1 --queries 5 --episodes $2 --inner-steps 5 --inner-lr 0.4 --reptile-step 0 --validate-every 0 --seed 1
  eng/mlext fewshot evaluate --model "$out/omni-$1.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots 1,5 --queries 15 --episodes 200 --metrics-out "$out/omni-$1.json"
done

# Second-order MAML, settings after the published Omniglot ones (inner SGD 0.4, one inner step in training, three when
# adapting, Adam 1e-3 constant); meta-batch 8 rather than 32, chosen on the held-out training characters at an equal
# number of tasks (3,200: 86.2 % vs 74.9 % 5-way 1-shot validation accuracy).
for mb in "8 400 200" "32 100 50"; do
  set -- $mb
  eng/mlext fewshot train --train $O/images_background_small1 --out "$out/pilot-maml-mb$1.zip" --algorithm maml --invert --rotations \
    --ways 5 --shots 1 --queries 5 --episodes $2 --meta-batch $1 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
    --validate-every $3 --validation-episodes 100 --seed 1
done
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-maml.zip" --algorithm maml --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 3000 --meta-batch 8 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
  --validate-every 500 --validation-episodes 100 --seed 1
# Adaptation steps chosen on the held-out training characters (the list `fewshot train` logs), 150 episodes.
VAL='Balinese/character05,Balinese/character10,Balinese/character14,Balinese/character16,Balinese/character19,Balinese/character21,Early_Aramaic/character10,Early_Aramaic/character19,Greek/character04,Greek/character06,Greek/character07,Greek/character16,Greek/character19,Korean/character21,Korean/character25,Korean/character28,Korean/character32,Korean/character36,Latin/character19,Latin/character25'
for s in 1 3 5; do
  eng/mlext fewshot evaluate --model "$out/omni-maml.zip" --data $O/images_background_small1 --classes "$VAL" --ways 5 --shots 1 --queries 15 \
    --episodes 150 --adapt-steps $s --seed 2
done
for s in 1 3; do
  eng/mlext fewshot evaluate --model "$out/omni-maml.zip" --data $O/images_background_small1 --classes "$VAL" --ways 5 --shots 5 --queries 15 \
    --episodes 150 --adapt-steps $s --seed 2
done
for k in 1 5; do
  eng/mlext fewshot evaluate --model "$out/omni-maml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots $k --queries 15 --episodes 600 --adapt-steps 1 --seed 1 --metrics-out "$out/omni-maml-5w${k}s.json"
  eng/mlext fewshot evaluate --model "$out/omni-maml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" --within-group \
    --ways 5 --shots $k --queries 15 --episodes 600 --adapt-steps 1 --seed 1 --metrics-out "$out/omni-maml-5w${k}s-within.json"
done
eng/mlext fewshot evaluate --model "$out/omni-maml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
  --ways 20 --shots 1 --queries 15 --episodes 600 --adapt-steps 1 --seed 1 --metrics-out "$out/omni-maml-20w1s.json"
# Reptile: the interpolation meta-step (step 1 annealed to 0); inner rate chosen on validation (0.4 vs 0.1, 40 meta-steps).
for lr in 0.4 0.1; do
  eng/mlext fewshot train --train $O/images_background_small1 --out "$out/pilot-reptile-$lr.zip" --algorithm reptile --invert --rotations \
    --ways 5 --shots 1 --queries 5 --episodes 40 --meta-batch 5 --inner-steps 5 --inner-lr $lr --adapt-steps 10 --reptile-step 1 \
    --validate-every 20 --validation-episodes 100 --seed 1
done
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile.zip" --algorithm reptile --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.4 --adapt-steps 10 --reptile-step 1 \
  --validate-every 100 --validation-episodes 100 --seed 1
for s in 5 10 20; do
  eng/mlext fewshot evaluate --model "$out/omni-reptile.zip" --data $O/images_background_small1 --classes "$VAL" --ways 5 --shots 1 --queries 15 \
    --episodes 150 --adapt-steps $s --seed 2
done
for k in 1 5; do
  eng/mlext fewshot evaluate --model "$out/omni-reptile.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots $k --queries 15 --episodes 600 --seed 1 --metrics-out "$out/omni-reptile-5w${k}s.json"
done

# Transfer with the sources balanced: glyphs + Omniglot small1, SimpleShot mini-batch rows drawn from each root in turn.
eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-simpleshot-2k-balanced.zip" --algorithm simpleshot \
  --auto-invert --rotations --episodes 2000 --lr-halving 1000 --validate-every 0 --balance-sources --seed 1
for wg in "" "--within-group"; do
  eng/mlext fewshot evaluate --model "$out/mix-simpleshot-2k-balanced.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" --ways 5,20 --shots 1,5 \
    --queries 15 --episodes 600 $wg --seed 1 --metrics-out "$out/mix-simpleshot-2k-balanced-omni${wg:+-within}.json"
done

# Batch norm of adapted MAML classifiers: fixed support statistics (the default: each query scored on its own) vs the
# transductive protocol (each batch of queries normalised with its own statistics), and the same choice in meta-training.
# Two second-order MAML runs that differ only in the training mode, compared on the held-out training characters (the
# validation accuracy `fewshot train` reports and 150 episodes at the test protocol, both scored with support
# statistics), then on the new alphabets both ways (300 episodes).
for tt in "--support-statistics-training" ""; do
  m=pilot-maml${tt:+-support}
  eng/mlext fewshot train --train $O/images_background_small1 --out "$out/$m.zip" --algorithm maml --invert --rotations \
    --ways 5 --shots 1 --queries 5 --episodes 400 --meta-batch 8 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
    --validate-every 200 --validation-episodes 100 --seed 1 $tt
  eng/mlext fewshot evaluate --model "$out/$m.zip" --data $O/images_background_small1 --classes "$VAL" --ways 5 --shots 1,5 --queries 15 \
    --episodes 150 --adapt-steps 1 --seed 2 --metrics-out "$out/val-$m.json"
  for t in "" "--transductive-batch-norm"; do
    eng/mlext fewshot evaluate --model "$out/$m.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
      --ways 5 --shots 1,5 --queries 15 --episodes 300 --adapt-steps 1 --seed 1 $t --metrics-out "$out/omni-$m${t:+-transductive-bn}.json"
  done
done
# Reptile (the settings above, 100 meta-steps) scored both ways.
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-100.zip" --algorithm reptile --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 100 --meta-batch 5 --inner-steps 5 --inner-lr 0.4 --adapt-steps 10 --reptile-step 1 \
  --validate-every 100 --validation-episodes 100 --seed 1
for t in "" "--transductive-batch-norm"; do
  eng/mlext fewshot evaluate --model "$out/omni-reptile-100.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots 1,5 --queries 15 --episodes 200 --seed 1 $t --metrics-out "$out/omni-reptile-100${t:+-transductive-bn}.json"
done
# Reptile at 500 meta-steps (the settings above), scored with support statistics as users get; time-boxed with
# --max-minutes on the shared machine (BENCHMARKS gives the steps reached), 200 episodes as for the 100-step run.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-500.zip" --algorithm reptile --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.4 --adapt-steps 10 --reptile-step 1 \
  --validate-every 100 --validation-episodes 100 --max-minutes 40 --seed 1
MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/omni-reptile-500.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
  --ways 5 --shots 1,5 --queries 15 --episodes 200 --seed 1 --metrics-out "$out/omni-reptile-500.json"
# FOMAML: the early short run repeated, scored both ways on the same 200 episodes.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-fomaml.zip" --algorithm fomaml --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 400 --inner-steps 5 --inner-lr 0.4 --validate-every 0 --max-minutes 8 --seed 1
for t in "" "--transductive-batch-norm"; do
  MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/omni-fomaml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots 1,5 --queries 15 --episodes 200 --seed 1 $t --metrics-out "$out/omni-fomaml${t:+-transductive-bn}.json"
done
# FOMAML with the second-order MAML pilot's settings and test protocol (compare pilot-maml above).
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/pilot-fomaml.zip" --algorithm fomaml --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 400 --meta-batch 8 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
  --validate-every 200 --validation-episodes 100 --max-minutes 8 --seed 1
MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/pilot-fomaml.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
  --ways 5 --shots 1,5 --queries 15 --episodes 300 --adapt-steps 1 --seed 1 --metrics-out "$out/omni-pilot-fomaml.json"
# Rows not measured before for the 460-step Reptile model and the FOMAML model above: transductive scoring, 20-way
# (100 episodes: each adapts 10 steps over 20 x 20 images), within alphabet.
ev() { local m=$1 name=$2; shift 2; MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/$m.zip" --data $O/images_background_small2 \
  --groups "$EVAL_GROUPS" --queries 15 --seed 1 "$@" --metrics-out "$out/$name.json"; }
# The same on the glyphs evaluation alphabets.
evg() { local m=$1 name=$2; shift 2; MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/$m.zip" --data $GL/images_evaluation \
  --queries 15 --seed 1 "$@" --metrics-out "$out/$name.json"; }
# ev_transfer MODEL NAME SHOTS EPISODES_5WAY EPISODES_20WAY: 5-way across and within an alphabet, 20-way across.
ev_transfer() {
  ev "$1" "$2-5w" --ways 5 --shots "$3" --episodes "$4"
  ev "$1" "$2-within" --ways 5 --shots "$3" --episodes "$4" --within-group
  ev "$1" "$2-20w" --ways 20 --shots "$3" --episodes "$5"
}
ev omni-reptile-500 reptile-transductive --ways 5 --shots 1,5 --episodes 200 --transductive-batch-norm
ev omni-reptile-500 reptile-20w --ways 20 --shots 1,5 --episodes 100
ev omni-reptile-500 reptile-within --ways 5 --shots 1,5 --episodes 200 --within-group
ev omni-fomaml fomaml-20w --ways 20 --shots 1,5 --episodes 100
ev omni-fomaml fomaml-within --ways 5 --shots 1,5 --episodes 200 --within-group
# The 3,000-step second-order MAML run repeated under a 45-minute budget (1 thread), scored per query (the default).
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-maml-3k.zip" --algorithm maml --invert --rotations \
  --ways 5 --shots 1 --queries 5 --episodes 3000 --meta-batch 8 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
  --validate-every 500 --validation-episodes 100 --max-minutes 45 --seed 1
evm() { local name=$1; shift; MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/omni-maml-3k.zip" --data $O/images_background_small2 \
  --groups "$EVAL_GROUPS" --queries 15 --adapt-steps 1 --seed 1 "$@" --metrics-out "$out/maml-3k-$name.json"; }
evm 5w --ways 5 --shots 1,5 --episodes 600
evm 5w-within --ways 5 --shots 1,5 --episodes 600 --within-group
evm 5w-transductive --ways 5 --shots 1,5 --episodes 600 --transductive-batch-norm
evm 20w --ways 20 --shots 1,5 --episodes 200
# The same MAML command and its first-order twin under a 30-minute budget each (two jobs side by side), validation every
# 250 meta-steps, then the MAML pilot's test protocol (300 episodes, 1 adaptation step, per query).
for a in maml fomaml; do
  MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-$a-long.zip" --algorithm $a --invert --rotations \
    --ways 5 --shots 1 --queries 5 --episodes 3000 --meta-batch 8 --inner-steps 1 --inner-lr 0.4 --adapt-steps 3 --schedule constant \
    --validate-every 250 --validation-episodes 100 --max-minutes 30 --seed 1
  MLEXT_NUM_THREADS=1 eng/mlext fewshot evaluate --model "$out/omni-$a-long.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" \
    --ways 5 --shots 1,5 --queries 15 --episodes 300 --adapt-steps 1 --seed 1 --metrics-out "$out/$a-long-5w.json"
done
# Proto-MAML head (--head-init prototypes): FOMAML and second-order MAML on ProtoNet's episodes (20-way 1-shot,
# 5 queries, 2000 episodes, Adam 1e-3 halved every 1000), 1 inner step at 0.1 (0.1 vs 0.01 chosen on validation in a
# 300-episode pilot), 50-minute budgets side by side; Reptile with the 460-step run's settings plus the prototype head.
# Scored per query (support statistics), as users get.
for a in fomaml maml; do
  MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-$a-proto.zip" --algorithm $a \
    --head-init prototypes --invert --rotations --ways 20 --shots 1 --queries 5 --episodes 2000 --lr-halving 1000 --inner-steps 1 \
    --inner-lr 0.1 --validate-every 250 --validation-episodes 100 --max-minutes 50 --seed 1
  ev omni-$a-proto $a-proto-5w --ways 5 --shots 1,5 --episodes 600
  ev omni-$a-proto $a-proto-20w --ways 20 --shots 1,5 --episodes 200
done
ev omni-fomaml-proto fomaml-proto-within --ways 5 --shots 1,5 --episodes 600 --within-group
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-proto.zip" --algorithm reptile \
  --head-init prototypes --invert --rotations --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.4 \
  --adapt-steps 10 --reptile-step 1 --validate-every 100 --validation-episodes 100 --max-minutes 45 --seed 1
ev omni-reptile-proto reptile-proto-5w --ways 5 --shots 1,5 --episodes 200
# Digits with the prototype head: the inner rate chosen on the base-class folds (0.1 vs 0.01), then 5-way on classes 5-9.
for m in fomaml maml; do
  for r in 0.1 0.01; do
    eng/bench/fewshot/digits_select.sh $m-proto-$r --algorithm $m --head-init prototypes --episodes 200 --inner-steps 1 --inner-lr $r
  done
done
for r in 0.1 0.01; do
  eng/bench/fewshot/digits_select.sh reptile-proto-$r --algorithm reptile --head-init prototypes --episodes 200 --inner-steps 5 --inner-lr $r --reptile-step 0
done
eng/bench/fewshot/digits_select.sh fomaml-proto-1000 --algorithm fomaml --head-init prototypes --episodes 1000 --inner-steps 1 --inner-lr 0.1
for cfg in "fomaml 1" "maml 1" "reptile 5"; do
  set -- $cfg
  eng/mlext fewshot train --train /tmp/mlx-data/digits/all.csv --label-column label --classes 0,1,2,3,4 --algorithm $1 --head-init prototypes \
    --ways 5 --shots 1 --queries 10 --episodes 200 --inner-steps $2 --inner-lr 0.01 --reptile-step 0 --validate-every 0 --out "$out/digits-$1-proto.zip" --seed 1
  eng/mlext fewshot evaluate --model "$out/digits-$1-proto.zip" --data /tmp/mlx-data/digits/all.csv --classes 5,6,7,8,9 \
    --ways 5 --shots 1,5 --queries 15 --episodes 600 --metrics-out "$out/digits-$1-proto.json"
done
# ProtoNet with SimpleShot's step budget (2000 episodes, halved every 1000) on glyphs, and on glyphs + Omniglot small1;
# glyphs evaluation and the Omniglot transfer evaluation, across and within alphabets.
for src in glyphs mix; do
  roots=$GL/images_background; [ $src = mix ] && roots="$GL/images_background $O/images_background_small1"
  eng/mlext fewshot train --train $roots --out "$out/$src-protonet-2k.zip" --auto-invert --rotations \
    --ways 20 --shots 1 --queries 5 --episodes 2000 --lr-halving 1000 --validate-every 250 --validation-episodes 100 --max-minutes 55 --seed 1
  for wg in "" "--within-group"; do
    eng/mlext fewshot evaluate --model "$out/$src-protonet-2k.zip" --data $O/images_background_small2 --groups "$EVAL_GROUPS" --ways 5,20 --shots 1,5 \
      --queries 15 --episodes 600 $wg --seed 1 --metrics-out "$out/$src-protonet-2k-omni${wg:+-within}.json"
  done
done
eng/mlext fewshot evaluate --model "$out/glyphs-protonet-2k.zip" --data $GL/images_evaluation --ways 5,20 --shots 1,5 --queries 15 --episodes 600 \
  --metrics-out "$out/glyphs-protonet-2k-eval.json"
# Reptile with the prototype head at inner rate 0.1 (the 0.4 run overshot), 40-minute budget; and its step cost without validation.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-proto-0.1.zip" --algorithm reptile \
  --head-init prototypes --invert --rotations --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 \
  --adapt-steps 10 --reptile-step 1 --validate-every 100 --validation-episodes 100 --max-minutes 40 --seed 1
ev omni-reptile-proto-0.1 reptile-proto-0.1-5w --ways 5 --shots 1,5 --episodes 200
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-steps.zip" --algorithm reptile \
  --head-init prototypes --invert --rotations --ways 5 --shots 1 --queries 5 --episodes 40 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 \
  --adapt-steps 10 --reptile-step 1 --validate-every 0 --seed 1
WAYS=2 eng/bench/fewshot/digits_select.sh protonet-ways2 --episodes 200
SHOTS=5 eng/bench/fewshot/digits_select.sh protonet-shots5 --episodes 200
# Second-order MAML with the prototype head rerun to all 2000 episodes (100-minute budget), then its three evaluations.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-maml-proto-2k.zip" --algorithm maml \
  --head-init prototypes --invert --rotations --ways 20 --shots 1 --queries 5 --episodes 2000 --lr-halving 1000 --inner-steps 1 \
  --inner-lr 0.1 --validate-every 250 --validation-episodes 100 --max-minutes 100 --seed 1
ev omni-maml-proto-2k maml-proto-2k-5w --ways 5 --shots 1,5 --episodes 600
ev omni-maml-proto-2k maml-proto-2k-within --ways 5 --shots 1,5 --episodes 600 --within-group
ev omni-maml-proto-2k maml-proto-2k-20w --ways 20 --shots 1,5 --episodes 200
# Digits, warm start from SimpleShot (--from): chosen on the folds (each fold pre-trains its own SimpleShot), then 5-9.
export PRETRAIN="--algorithm simpleshot --episodes 200"
eng/bench/fewshot/digits_select.sh pn-from-ss --episodes 200
eng/bench/fewshot/digits_select.sh pn-from-ss-lr1e-4 --episodes 200 --lr 1e-4
eng/bench/fewshot/digits_select.sh pn-from-ss-cos --episodes 200 --distance cosine
eng/bench/fewshot/digits_select.sh rep-from-ss --algorithm reptile --episodes 200 --inner-steps 5 --inner-lr 0.1 --reptile-step 0
eng/bench/fewshot/digits_select.sh fo-proto-from-ss --algorithm fomaml --head-init prototypes --episodes 200 --inner-steps 1 --inner-lr 0.01
unset PRETRAIN
DG=/tmp/mlx-data/digits/all.csv
eng/mlext fewshot train --train $DG --label-column label --classes 0,1,2,3,4 --algorithm simpleshot --ways 5 --episodes 200 --validate-every 0 --seed 1 \
  --out "$out/digits-ss200.zip"
for cfg in "pn-from-ss:--from $out/digits-ss200.zip --lr 1e-4" \
           "rep-from-ss:--from $out/digits-ss200.zip --algorithm reptile --inner-steps 5 --inner-lr 0.1 --reptile-step 0" \
           "rep-cold:--algorithm reptile --inner-steps 5 --inner-lr 0.1 --reptile-step 0" \
           "fo-proto-from-ss:--from $out/digits-ss200.zip --algorithm fomaml --head-init prototypes --inner-steps 1 --inner-lr 0.01"; do
  # shellcheck disable=SC2086
  eng/mlext fewshot train --train $DG --label-column label --classes 0,1,2,3,4 --ways 5 --shots 1 --queries 10 --episodes 200 --validate-every 0 \
    --seed 1 --out "$out/digits-${cfg%%:*}.zip" ${cfg#*:}
  eng/mlext fewshot evaluate --model "$out/digits-${cfg%%:*}.zip" --data $DG --classes 5,6,7,8,9 --ways 5 --shots 1,5 --queries 15 --episodes 600 \
    --metrics-out "$out/digits-${cfg%%:*}.json"
done
# Omniglot, warm start from SimpleShot (--from): SimpleShot as above, then ProtoNet (Adam 1e-4, 500 episodes) and Reptile
# (the 460-step zero-head run's settings, 25-minute budget) from its encoder; evaluated per query.
eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-simpleshot-2k-b.zip" --algorithm simpleshot \
  --invert --rotations --episodes 2000 --validate-every 0 --seed 1
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-pn-from-ss.zip" --from "$out/omni-simpleshot-2k-b.zip" \
  --invert --rotations --ways 20 --shots 1 --queries 5 --episodes 500 --lr 1e-4 --validate-every 100 --validation-episodes 100 --max-minutes 15 --seed 1
for m in omni-pn-from-ss omni-simpleshot-2k-b; do
  for wg in "" "--within-group"; do
    ev $m $m-eval${wg:+-within} --ways 5,20 --shots 1,5 --episodes 600 $wg
  done
done
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-from-ss.zip" --from "$out/omni-simpleshot-2k-b.zip" \
  --algorithm reptile --invert --rotations --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.4 --adapt-steps 10 \
  --reptile-step 1 --validate-every 100 --validation-episodes 100 --max-minutes 25 --seed 1
ev omni-reptile-from-ss reptile-from-ss-5w --ways 5 --shots 1,5 --episodes 200
# Reptile from SimpleShot with the prototype head (inner rate 0.1), 20-minute budget.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $O/images_background_small1 --out "$out/omni-reptile-proto-from-ss.zip" --from "$out/omni-simpleshot-2k-b.zip" \
  --algorithm reptile --head-init prototypes --invert --rotations --ways 5 --shots 1 --queries 5 --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 \
  --adapt-steps 10 --reptile-step 1 --validate-every 100 --validation-episodes 100 --max-minutes 20 --seed 1
ev omni-reptile-proto-from-ss reptile-proto-from-ss-5w --ways 5 --shots 1,5 --episodes 200
ev omni-reptile-proto-from-ss reptile-proto-from-ss-within --ways 5 --shots 1,5 --episodes 200 --within-group
ev omni-reptile-proto-from-ss reptile-proto-from-ss-20w --ways 20 --shots 1,5 --episodes 100
# Digits: the gradient-based methods from SimpleShot at Adam 1e-4 (ProtoNet's warm-start rate), chosen on the folds, then 5-9.
export PRETRAIN="--algorithm simpleshot --episodes 200"
eng/bench/fewshot/digits_select.sh fo-proto-from-ss-lr1e-4 --algorithm fomaml --head-init prototypes --episodes 200 --inner-steps 1 --inner-lr 0.01 --lr 1e-4
eng/bench/fewshot/digits_select.sh maml-proto-from-ss-lr1e-4 --algorithm maml --head-init prototypes --episodes 200 --inner-steps 1 --inner-lr 0.01 --lr 1e-4
eng/bench/fewshot/digits_select.sh rep-from-ss-lr1e-4 --algorithm reptile --episodes 200 --inner-steps 5 --inner-lr 0.1 --reptile-step 0 --lr 1e-4
eng/bench/fewshot/digits_select.sh rep-proto-from-ss-lr1e-4 --algorithm reptile --head-init prototypes --episodes 200 --inner-steps 5 --inner-lr 0.01 \
  --reptile-step 0 --lr 1e-4
unset PRETRAIN
for cfg in "fo-proto-from-ss-lr1e-4:--algorithm fomaml --head-init prototypes --inner-steps 1 --inner-lr 0.01" \
           "maml-proto-from-ss-lr1e-4:--algorithm maml --head-init prototypes --inner-steps 1 --inner-lr 0.01" \
           "rep-from-ss-lr1e-4:--algorithm reptile --inner-steps 5 --inner-lr 0.1 --reptile-step 0" \
           "rep-proto-from-ss-lr1e-4:--algorithm reptile --head-init prototypes --inner-steps 5 --inner-lr 0.01 --reptile-step 0"; do
  # shellcheck disable=SC2086
  eng/mlext fewshot train --train $DG --label-column label --classes 0,1,2,3,4 --ways 5 --shots 1 --queries 10 --episodes 200 --validate-every 0 \
    --seed 1 --out "$out/digits-${cfg%%:*}.zip" --from "$out/digits-ss200.zip" --lr 1e-4 ${cfg#*:}
  eng/mlext fewshot evaluate --model "$out/digits-${cfg%%:*}.zip" --data $DG --classes 5,6,7,8,9 --ways 5 --shots 1,5 --queries 15 --episodes 600 \
    --metrics-out "$out/digits-${cfg%%:*}.json"
done
# First-order MAML with the prototype head on glyphs and on glyphs + Omniglot small1 (ProtoNet's 2000-episode settings,
# one inner step at 0.1, as on Omniglot); glyphs scored on its evaluation alphabets, the mixed model on the new Omniglot alphabets.
for src in glyphs mix; do
  roots=$GL/images_background; [ $src = mix ] && roots="$GL/images_background $O/images_background_small1"
  MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $roots --out "$out/$src-fomaml-proto-2k.zip" --algorithm fomaml --head-init prototypes \
    --auto-invert --rotations --ways 20 --shots 1 --queries 5 --episodes 2000 --lr-halving 1000 --inner-steps 1 --inner-lr 0.1 \
    --validate-every 250 --validation-episodes 100 --max-minutes 60 --seed 1
done
for w in "5 600" "20 200"; do
  set -- $w
  evg glyphs-fomaml-proto-2k glyphs-fomaml-proto-${1}w --ways $1 --shots 1,5 --episodes $2
  for wg in "" "--within-group"; do
    ev mix-fomaml-proto-2k mix-fomaml-proto-${1}w${wg:+-within} --ways $1 --shots 1,5 --episodes $2 $wg
  done
done
# glyphs: SimpleShot retrained at one thread, then Reptile from it with the prototype head (the Omniglot warm-start settings,
# 20-minute budget), and the same with Adam 1e-4 as the outer step (15-minute budget); two diagnostics of the first.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-simpleshot-2k-1t.zip" --algorithm simpleshot \
  --auto-invert --rotations --episodes 2000 --lr-halving 1000 --validate-every 0 --seed 1
evg glyphs-simpleshot-2k-1t glyphs-simpleshot-2k-1t-eval --ways 5,20 --shots 1,5 --episodes 600
for v in "step1:--reptile-step 1 --validate-every 100 --max-minutes 20" "adam:--reptile-step 0 --lr 1e-4 --validate-every 50 --max-minutes 15"; do
  # shellcheck disable=SC2086
  MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-reptile-proto-from-ss-${v%%:*}.zip" \
    --from "$out/glyphs-simpleshot-2k-1t.zip" --algorithm reptile --head-init prototypes --auto-invert --rotations --ways 5 --shots 1 --queries 5 \
    --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 --adapt-steps 10 --validation-episodes 100 --seed 1 ${v#*:}
  evg glyphs-reptile-proto-from-ss-${v%%:*} glyphs-reptile-proto-from-ss-${v%%:*}-5w --ways 5 --shots 1,5 --episodes 200
done
evg glyphs-reptile-proto-from-ss-step1 glyphs-reptile-proto-from-ss-step1-20w --ways 20 --shots 1,5 --episodes 100
evg glyphs-reptile-proto-from-ss-step1 glyphs-reptile-step1-adapt1 --ways 5 --shots 1,5 --episodes 200 --adapt-steps 1
evg glyphs-reptile-proto-from-ss-step1 glyphs-reptile-step1-transductive --ways 5 --shots 1 --episodes 200 --transductive-batch-norm
evg glyphs-reptile-proto-from-ss-adam glyphs-reptile-proto-from-ss-adam-20w --ways 20 --shots 1,5 --episodes 100
# glyphs: second-order MAML with the prototype head started from the same SimpleShot (Adam 1e-4, 500 episodes of ProtoNet's
# 20-way 1-shot shape, one inner step at 0.1 as on Omniglot).
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background --out "$out/glyphs-maml-proto-from-ss.zip" \
  --from "$out/glyphs-simpleshot-2k-1t.zip" --algorithm maml --head-init prototypes --auto-invert --rotations --ways 20 --shots 1 --queries 5 \
  --episodes 500 --lr 1e-4 --inner-steps 1 --inner-lr 0.1 --validate-every 100 --validation-episodes 100 --max-minutes 30 --seed 1
for w in "5 600" "20 200"; do
  set -- $w
  evg glyphs-maml-proto-from-ss glyphs-maml-proto-from-ss-${1}w --ways $1 --shots 1,5 --episodes $2
done
# glyphs + Omniglot small1: SimpleShot at one thread, then Reptile from it with the prototype head and Adam 1e-4 as the outer
# step (the glyphs settings), scored on the new Omniglot alphabets.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-simpleshot-2k-1t.zip" \
  --algorithm simpleshot --auto-invert --rotations --episodes 2000 --lr-halving 1000 --validate-every 0 --seed 1
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-reptile-proto-from-ss-adam.zip" \
  --from "$out/mix-simpleshot-2k-1t.zip" --algorithm reptile --head-init prototypes --auto-invert --rotations --ways 5 --shots 1 --queries 5 \
  --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 --adapt-steps 10 --validation-episodes 100 --seed 1 \
  --reptile-step 0 --lr 1e-4 --validate-every 50 --max-minutes 15
ev mix-simpleshot-2k-1t mix-simpleshot-2k-1t --ways 5,20 --shots 1,5 --episodes 600
ev_transfer mix-reptile-proto-from-ss-adam mix-reptile-proto-from-ss-adam 1,5 200 100
# The same Reptile trained on 5-shot tasks, scored at 5 shots.
MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-reptile-proto-from-ss-adam-5s.zip" \
  --from "$out/mix-simpleshot-2k-1t.zip" --algorithm reptile --head-init prototypes --auto-invert --rotations --ways 5 --shots 5 --queries 5 \
  --episodes 500 --meta-batch 5 --inner-steps 5 --inner-lr 0.1 --adapt-steps 10 --validation-episodes 100 --seed 1 \
  --reptile-step 0 --lr 1e-4 --validate-every 50 --max-minutes 15
ev_transfer mix-reptile-proto-from-ss-adam-5s mix-reptile-proto-from-ss-adam-5s 5 200 100
# glyphs + Omniglot small1: second-order MAML with the prototype head from the same SimpleShot (the glyphs settings), then the
# same trained on 20-way 5-shot tasks (12-minute budget), scored at 5 shots.
for s in 1 5; do
  MLEXT_NUM_THREADS=1 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-maml-proto-from-ss-${s}s.zip" \
    --from "$out/mix-simpleshot-2k-1t.zip" --algorithm maml --head-init prototypes --auto-invert --rotations --ways 20 --shots $s --queries 5 \
    --episodes 500 --lr 1e-4 --inner-steps 1 --inner-lr 0.1 --validate-every 100 --validation-episodes 100 --max-minutes $((s == 1 ? 30 : 12)) --seed 1
  shots=1,5; [ $s = 5 ] && shots=5
  ev_transfer mix-maml-proto-from-ss-${s}s mix-maml-proto-from-ss-${s}s $shots 600 200
done
# The 5-shot MAML with inner rate 0.01 (chosen on its 5-shot validation over 0.1), 300 episodes, scored at 5 shots.
MLEXT_NUM_THREADS=2 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-maml-proto-from-ss-5s-lr001.zip" \
  --from "$out/mix-simpleshot-2k-1t.zip" --algorithm maml --head-init prototypes --auto-invert --rotations --ways 20 --shots 5 --queries 5 \
  --episodes 300 --lr 1e-4 --inner-steps 1 --inner-lr 0.01 --validate-every 100 --validation-episodes 100 --max-minutes 9 --seed 1
ev_transfer mix-maml-proto-from-ss-5s-lr001 mix-maml-5s-lr001 5 600 200
# Reptile on 5-shot tasks with inner rate 0.01 (chosen on its 5-shot validation over 0.1), 100 meta-steps, scored at 5 shots.
MLEXT_NUM_THREADS=2 eng/mlext fewshot train --train $GL/images_background $O/images_background_small1 --out "$out/mix-reptile-5s-lr001.zip" \
  --from "$out/mix-simpleshot-2k-1t.zip" --algorithm reptile --head-init prototypes --auto-invert --rotations --ways 5 --shots 5 --queries 5 \
  --episodes 100 --meta-batch 5 --inner-steps 5 --inner-lr 0.01 --adapt-steps 10 --validation-episodes 100 --seed 1 \
  --reptile-step 0 --lr 1e-4 --validate-every 50 --max-minutes 6
ev_transfer mix-reptile-5s-lr001 mix-reptile-5s-lr001 5 200 100
