"""Hotspots of the TipDM 2020 message board: python -m bench.nlp.tipdm HOTSPOT_MESSAGES.csv [--top 10].

Reads the CSV (留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 点赞数, 反对数) as `gridwatch nlp cluster`
input (title + body as text, 留言时间 as created_at, 点赞数 as likes, 留言用户 as user), segments it once and
clusters it with nlp.hotspots.cluster: the whole board and --samples random 80% subsamples, each with and
without likes. A published competition entry's five hottest issues count as found when at least half of an
issue's messages sit in one hotspot ranked among the --top hottest. Prints the hottest hotspots of the whole
board (with likes) and, per run, how many of the five were found.
"""

import argparse
import csv
import random
import sys
from collections import Counter

# The published top five, each recognised by words of its messages' titles.
PUBLISHED = {
    "A5区汇金路五矿万境K9县的问题": ["五矿万境K9"],
    "A市经济学院组织学生外出实习": ["经济学院"],
    "A2区丽发新城小区附近搅拌站扰民": ["丽发新城", "丽发小区"],
    "A市伊景园滨河苑捆绑销售车位": ["伊景园", "滨河苑"],
    "魅力之城小区油烟、噪音扰民": ["魅力之城"],
}


def read(csv_path: str) -> tuple[list[dict], dict]:
    """Return (docs with tokens, {id: title})."""
    from nlp.reports_io import segment_all

    docs, titles = [], {}
    with open(csv_path, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            rid = int(row["留言编号"])
            titles[rid] = row["留言主题"]
            docs.append({"id": rid, "text": f"{row['留言主题']}\n{row['留言详情']}", "created_at": row["留言时间"],
                         "likes": int(row["点赞数"] or 0), "user": row["留言用户"]})
    segment_all(docs)
    return docs, titles


def issue_ranks(hotspots: list[dict], titles: dict, present: set) -> dict:
    """Return {issue: rank of the hotspot holding at least half of its messages, or None}."""
    rank = {m: k for k, h in enumerate(hotspots, 1) for m in h["members"]}
    out = {}
    for issue, words in PUBLISHED.items():
        ids = [i for i in present if any(w in titles[i] for w in words)]
        where = Counter(rank.get(i) for i in ids)
        best = next(((r, n) for r, n in where.most_common() if r is not None), None)
        out[issue] = best[0] if best and best[1] * 2 >= len(ids) else None
    return out


def run(docs: list[dict], likes: bool) -> list[dict]:
    """Return the hotspots of docs, with or without their likes."""
    from nlp.hotspots import cluster

    return cluster([d if likes else {k: v for k, v in d.items() if k != "likes"} for d in docs], None)  # as the CLI


def run_old(args) -> int:
    """Run this bench in a child process on a copy of nlp/ taken from git at OLD_REF."""
    import os
    import subprocess
    import tempfile
    from pathlib import Path

    from bench.nlp.crowded import OLD_REF, ROOT

    with tempfile.TemporaryDirectory(prefix="old-nlp-") as tmp:
        archive = subprocess.run(["git", "archive", OLD_REF, "nlp"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        print(f"(pipeline at {OLD_REF})", flush=True)
        return subprocess.run([sys.executable, "-m", "bench.nlp.tipdm", str(Path(args.csv).resolve()), "--top",
                               str(args.top), "--samples", str(args.samples)], cwd=tmp,
                              env=dict(os.environ, PYTHONPATH=str(ROOT))).returncode


def main(argv=None) -> int:
    """Cluster the board and its subsamples and print where the published issues landed."""
    parser = argparse.ArgumentParser(prog="python -m bench.nlp.tipdm", description=__doc__)
    parser.add_argument("csv")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--old", action="store_true", help="run with the pipeline as it was at bench.nlp.crowded.OLD_REF")
    args = parser.parse_args(argv)
    if args.old:
        return run_old(args)
    docs, titles = read(args.csv)
    hotspots = run(docs, True)
    print(f"{'#':>3} {'heat':>7} {'size':>5} {'likes':>6}  label | representative title")
    for k, h in enumerate(hotspots[: args.top], 1):
        print(f"{k:>3} {h['heat']:>7.2f} {h['size']:>5} {h['likes']:>6.0f}  {h['label']} | {titles[h['representative']]}")
    print("\npublished top five -> rank of the hotspot holding at least half of their messages:")
    for issue, r in issue_ranks(hotspots, titles, set(titles)).items():
        print(f"  {issue}: {r if r else 'not in one hotspot'}")
    rng = random.Random(0)
    samples = [("all", docs)] + [(f"80% #{s + 1}", rng.sample(docs, int(0.8 * len(docs))))
                                 for s in range(args.samples)]
    print(f"\nfound among the {args.top} hottest (of 5):")
    for name, part in samples:
        present = {d["id"] for d in part}
        row, missed = [], []
        for likes in (True, False):
            found = run(part, likes) if (name, likes) != ("all", True) else hotspots
            ranks = issue_ranks(found, titles, present)
            row.append(sum(1 for r in ranks.values() if r and r <= args.top))
            missed.append(", ".join(f"{i[:8]}… ({ranks[i] or 'split'})" for i in ranks
                                    if not (ranks[i] and ranks[i] <= args.top)) or "-")
        print(f"  {name:<8} with likes {row[0]}/5   without likes {row[1]}/5   missed: {missed[0]} | {missed[1]}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
