"""The plain baseline: jieba.lcut, word TF-IDF, HDBSCAN (cosine). python -m bench.nlp.cluster_baseline IN OUT."""

import json
import sys
import warnings


def main(argv=None) -> int:
    """Cluster IN.jsonl the plain way and write {"id", "hotspot"} lines to OUT.jsonl."""
    import hdbscan
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer

    src, dst = argv or sys.argv[1:]
    with open(src, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    tokens = [jieba.lcut(r.get("text") or "") for r in records]
    matrix = TfidfVectorizer(analyzer=lambda t: t).fit_transform(tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        labels = hdbscan.HDBSCAN(min_cluster_size=3, metric="cosine", algorithm="generic").fit_predict(matrix)
    with open(dst, "w", encoding="utf-8") as f:
        for r, label in zip(records, labels):
            f.write(json.dumps({"id": r["id"], "hotspot": None if label < 0 else f"b{label}"}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
