"""Text-analysis throughput: our segmentation and full text path against bare jieba.lcut."""

import gc
import json
import os
import time
from pathlib import Path

from bench.nlp.textgen import report_texts

TARGET = 0.8  # our segmentation must reach this fraction of bare jieba.lcut's texts/s
AREAS = Path(__file__).resolve().parents[2] / "server" / "demo" / "data" / "areas.json"


def load_texts(path: str) -> list[str]:
    """Read texts: JSON lines with a "text" field, or plain lines."""
    texts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("{"):
                try:
                    line = json.loads(line).get("text") or ""
                except ValueError:
                    pass
            if line.strip():
                texts.append(line)
    return texts


def _place_names() -> list[str]:
    """Return the demo city's area names, as the pipeline's segmenter has them (empty if absent)."""
    from nlp.places import PlaceResolver

    if not AREAS.exists():
        return []
    return PlaceResolver(json.loads(AREAS.read_text(encoding="utf-8"))).names()


def _contenders(idf):
    """Return (name, function over one text) for the baseline and our two paths."""
    import jieba

    from nlp.keywords import extract
    from nlp.pii import mask
    from nlp.segment import Segmenter
    from nlp.text import normalise

    jieba.initialize()
    seg = Segmenter(_place_names())
    seg.cut("预热")  # build the private dictionary outside the timings

    def full(text):
        """The pipeline's analyse step: normalise, segment, keywords, mask."""
        tokens = seg.cut_normalised(normalise(text))
        return tokens, extract(tokens, top_k=8, idf=idf), mask(text)

    return [
        ("bare jieba.lcut", jieba.lcut),
        ("ours: Segmenter.cut", seg.cut),
        ("ours: full text path", full),
    ]


BLOCK = 500  # texts per timed block; contenders alternate block by block


def _round(contenders, texts) -> dict[str, float]:
    """Return each contender's CPU seconds for one pass over texts, interleaved block by block.

    Alternating small blocks gives every contender the same share of whatever else the
    machine is doing; CPU time (not wall time) leaves out the time other processes take.
    """
    spent = {name: 0.0 for name, _ in contenders}
    gc.collect()
    for i in range(0, len(texts), BLOCK):
        block = texts[i : i + BLOCK]
        for name, fn in contenders:
            start = time.process_time()
            for text in block:
                fn(text)
            spent[name] += time.process_time() - start
    return spent


def main(quick: bool = False, texts_path: str | None = None) -> None:
    """Print texts/s (CPU time) for bare jieba.lcut, Segmenter.cut and the full path, best of rounds."""
    from nlp.keywords import fit_idf
    from nlp.segment import default_segmenter

    texts = load_texts(texts_path) if texts_path else report_texts(5_000 if quick else 20_000)
    source = texts_path or "generated report texts (bench/nlp/textgen.py)"
    rounds = 2 if quick else 3
    print(f"== text analysis: {len(texts)} texts from {source}, mean {sum(map(len, texts)) / len(texts):.0f} "
          f"characters; CPU time, best of {rounds} rounds (load average {os.getloadavg()[0]:.2f}) ==")
    # The platform's own IDF, fitted on the same corpus, as the pipeline uses it.
    idf = fit_idf(default_segmenter().cut(t) for t in texts[:5000])
    contenders = _contenders(idf)
    best = {name: float("inf") for name, _ in contenders}
    for _ in range(rounds):
        for name, seconds in _round(contenders, texts).items():
            best[name] = min(best[name], seconds)
    best = {name: len(texts) / seconds for name, seconds in best.items()}
    base = best["bare jieba.lcut"]
    for name, rate in best.items():
        print(f"  {name:<24} {rate:9.0f} texts/s  {rate / base:5.2f} x jieba.lcut")
    for name in ("ours: Segmenter.cut", "ours: full text path"):
        ratio = best[name] / base
        print(f"  target: {name.removeprefix('ours: ')} >= {TARGET} x jieba.lcut: "
              f"{'met' if ratio >= TARGET else 'NOT met'} ({ratio:.2f})")
    print("  (ours = NFKC, traditional->simplified, emoji/control removal, domain and place-name dictionary, "
          "stop words and noise dropped; full adds TF-IDF keywords with the corpus IDF and PII masking)")
