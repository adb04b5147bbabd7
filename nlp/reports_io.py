"""Read report JSON lines, segment them (in parallel for large inputs), write hotspot assignments."""

import json
import math
import os
import sys

from nlp.hotspots.features import soft_text
from nlp.segment import default_segmenter

PASS_THROUGH = ("created_at", "reporter", "user", "grid", "category", "severity", "place")
PARALLEL_FROM = 4000
CHUNK = 500


def _number(value):
    """Return value as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def json_objects(path: str):
    """Yield (line number, object) for the non-blank lines of a JSONL file; each must be an object with an "id"."""
    import click

    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(rec, dict) or "id" not in rec:
                raise click.ClickException(f"{path}:{number}: expected an object with an \"id\"")
            yield number, rec


def read_reports(path: str) -> tuple[list[dict], list]:
    """Return (docs with "id" = line index, the ids as given) for the non-blank lines of a JSONL file."""
    docs, ids = [], []
    for _line, rec in json_objects(path):
        text = rec.get("text")
        doc = {"id": len(docs), "text": text if isinstance(text, str) else "",
               "lat": _number(rec.get("lat")), "lon": _number(rec.get("lon")), "likes": _number(rec.get("likes"))}
        doc.update({k: rec[k] for k in PASS_THROUGH if rec.get(k) is not None})
        docs.append(doc)
        ids.append(rec["id"])
    return docs, ids


def _cut_many(texts: list[str]) -> list[tuple[list[str], str]]:
    """Return (tokens, soft text) of each text (runs in worker processes)."""
    import logging

    import jieba


    jieba.setLogLevel(logging.WARNING)
    seg = default_segmenter()
    return [(seg.cut(t), soft_text(t)) for t in texts]


def segment_all(docs: list[dict], workers: int | None = None, progress: bool = False) -> list[str]:
    """Add "tokens" to every doc and return their soft texts; large inputs use up to two processes."""
    try:
        from tqdm import tqdm
    except ImportError:  # no progress bar without tqdm
        progress = False
        tqdm = None
    texts = [d["text"] for d in docs]
    chunks = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]
    workers = workers or min(2, os.cpu_count() or 1)
    bar = tqdm(total=len(texts), desc="segmenting", unit="report", file=sys.stderr, disable=not progress) \
        if tqdm else _NoBar()
    results = []
    if workers > 1 and len(texts) >= PARALLEL_FROM:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for tokens in pool.imap(_cut_many, chunks):
                results.extend(tokens)
                bar.update(len(tokens))
    else:
        for chunk in chunks:
            results.extend(_cut_many(chunk))
            bar.update(len(chunk))
    bar.close()
    for doc, (tokens, _) in zip(docs, results):
        doc["tokens"] = tokens
    return [soft for _, soft in results]


class _NoBar:
    """Stands in for a tqdm bar."""

    def update(self, _count: int) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


def write_assignments(path: str, ids: list, hotspots: list) -> None:
    """Write one {"id", "hotspot"} line per report, in input order."""
    with open(path, "w", encoding="utf-8") as f:
        for original, hotspot in zip(ids, hotspots):
            f.write(json.dumps({"id": original, "hotspot": hotspot}, ensure_ascii=False) + "\n")
