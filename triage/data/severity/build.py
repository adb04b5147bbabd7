"""Build dev.jsonl and final.jsonl from the hand-written sources in src/ (python triage/data/severity/build.py from the repository root).

A report goes to the held-aside final part when sha256(text) mod 100 < 30; the split never looks at a grader.
src/holdout2.txt, src/holdout3.txt and src/holdout4.txt are further held-aside sets (holdout2.jsonl, holdout3.jsonl,
holdout4.jsonl), each written before any grader was run on it. src/train5.txt (train5.jsonl) is further training
material, written after holdout4 was committed and never copied from it. src/holdout5.txt (holdout5.jsonl) was written
by someone who never saw the grader, its word lists or any labelled report, and committed before a grader ran on it;
src/holdout6.txt (holdout6.jsonl) likewise, by another such writer, after holdout5's misses had been studied, and
src/holdout7.txt (holdout7.jsonl) by a third, after holdout6's misses had been studied. src/train8a.txt and
src/train8b.txt (train8a.jsonl, train8b.jsonl) are training material written blind the same way, weighted to the
serious and moderate bands, after holdout7's first look. src/holdout8.txt (holdout8.jsonl) is an eighth held-aside
set by a fourth such writer, committed before any grader ran on it. src/train9a.txt and src/train9b.txt
(train9a.jsonl, train9b.jsonl) are more training material written blind, after holdout8's first look, as are
src/train10a.txt (moderate-weighted) and src/train10b.txt (weighted to calm reports that look alarming), and
src/train11a.txt (moderate hazards beside look-alike minor ones) and src/train11b.txt (southern and western city
registers). src/holdout9.txt (holdout9.jsonl) is a ninth held-aside set by a further such writer, committed
before any grader ran on it. src/train12a.txt (moderate hazards noticed at work) and src/train12b.txt (less common
settings and categories) are more training material written blind, after holdout9 was committed, as are
src/train13a.txt (moderate hazards said with no alarm) and src/train13b.txt (long letters and hurried notes), written
after train12a/b were studied, and src/train14a.txt (patrol and inspection records in official register) and
src/train14b.txt (parents and carers around children and old people), written after train13a/b were studied.
src/holdout10.txt (holdout10.jsonl) is a tenth held-aside set by a sixth such writer, committed before any grader ran
on it, after the eighth session's last change to the grader.
"""
import hashlib
import json
import pathlib
from collections import Counter

root = pathlib.Path("triage/data/severity")
bands = {"serious": "serious", "moderate": "moderate", "minor": "minor", "negated": "negated", "ordinary": "ordinary"}
rows = []
for name in ("serious", "moderate", "minor", "negated", "ordinary"):
    for line in (root / "src" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        level, cat, rep, text = line.split("|", 3)
        rows.append((name, int(level), cat, rep, text))
for line in (root / "src" / "mixed.txt").read_text(encoding="utf-8").splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    band, level, cat, rep, text = line.split("|", 4)
    rows.append((band, int(level), cat, rep, text))
# Sources ending in _dev were written after the first look at the held-aside figures: all go to dev.
late = []
for path in sorted((root / "src").glob("*_dev*.txt")):
    band_name = path.stem.split("_")[0]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            level, cat, rep, text = line.split("|", 3)
            late.append((band_name, int(level), cat, rep, text))
texts = [r[4] for r in rows + late]
assert len(set(texts)) == len(texts), [t for t in texts if texts.count(t) > 1]
dev, final = [], []
for i, (band, level, cat, rep, text) in enumerate(rows, 1):
    rec = {"id": f"sev-{i:04d}", "text": text}
    if cat:
        rec["category"] = cat
    if rep:
        rec["reporters"] = int(rep)
    rec.update({"level": level, "band": band})
    h = int(hashlib.sha256(text.encode()).hexdigest(), 16) % 100
    (final if h < 30 else dev).append(rec)
for i, (band, level, cat, rep, text) in enumerate(late, len(rows) + 1):
    rec = {"id": f"sev-{i:04d}", "text": text}
    if cat:
        rec["category"] = cat
    if rep:
        rec["reporters"] = int(rep)
    rec.update({"level": level, "band": band})
    dev.append(rec)
# Held-aside sets written after the first figures and before any grader saw them (holdout2.jsonl, holdout3.jsonl);
# holdout3 was written before the learned detector existed and is never used to tune it.
held = {}
for name in ("holdout2", "holdout3", "holdout4", "train5", "holdout5", "holdout6", "holdout7", "train8a", "train8b", "holdout8", "train9a", "train9b", "train10a", "train10b", "train11a", "train11b",
             "holdout9", "train12a", "train12b", "train13a", "train13b", "train14a", "train14b", "holdout10"):
    held[name] = []
    for line in (root / "src" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            band, level, cat, rep, text = line.split("|", 4)
            assert text not in texts, text
            texts.append(text)
            tag = f"t{name[len('train'):]}" if name.startswith("train") else f"h{name[len('holdout'):]}"
            rec = {"id": f"sev-{tag}-{len(held[name]) + 1:03d}", "text": text}  # sev-t9a-001, sev-h8-001
            if cat:
                rec["category"] = cat
            if rep:
                rec["reporters"] = int(rep)
            rec.update({"level": int(level), "band": band})
            held[name].append(rec)
ids = [rec["id"] for part in (dev, final, *held.values()) for rec in part]
assert len(set(ids)) == len(ids), "report ids must be unique across parts (scores are kept by id)"
for name, part in (("dev", dev), ("final", final), *held.items()):
    with open(root / f"{name}.jsonl", "w", encoding="utf-8") as f:
        for rec in part:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
print(len(rows), "dev", len(dev), Counter(r["band"] for r in dev), "final", len(final), Counter(r["band"] for r in final))
