"""Training the severity detectors (triage.severity_detector) on labelled reports, with cross-validation.

A labelled report is ``{"text", "category"?, "reporters"?, "level", "band"}`` (triage/data/severity/*.jsonl).
``serious`` learns band == serious (level I–II); ``notable`` learns band in (serious, moderate). Each threshold is
chosen on out-of-fold probabilities within the training reports only (stratified folds), so that at most
``FALSE_RATE`` of the reports that are not serious (not notable) would be raised by it. (Separate thresholds
for reports where the rules found a casualty or a live major hazard did worse in cross-validation: 123–126 of 136
serious reports against 127–128.)

python -m triage.severity_learn [--parts dev,final,...] [-o triage/data/severity/detector.json] [--complaints CSV]
(the shipped detectors: --complaints PATH/routing_train_segmented.csv, the message board's training file, whose
complaints cap the notable threshold; the severity benchmark measures on other complaint files)
(the held-aside holdout4, holdout8, holdout9 and holdout10 are never trained on; holdout5, holdout6 and holdout7, written blind by others and
studied after their first look, are training material). The settings (C, the
longest n-gram, the false-raise budgets) are chosen by cross-validation of the whole judgement on the training parts,
leaving one blind writer out at a time (python -m bench.triage.severity_cv --by-writer) beside repeated stratified
folds (python -m bench.triage.severity_cv).
"""

import argparse
import json
import re
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from nlp.text import normalise
from triage import table
from triage.severity_detector import DEFAULT_PATH, Detector, Detectors, ngrams, prepare

DATA = DEFAULT_PATH.parent
TRAIN_PARTS = ("dev", "final", "holdout2", "holdout3", "train5", "holdout5", "holdout6", "train8a", "train8b", "holdout7",
               "train9a", "train9b", "train10a", "train10b", "train11a", "train11b", "train12a", "train12b", "train13a",
               "train13b", "train14a", "train14b")
HELD_ASIDE = ("holdout4", "holdout8", "holdout9", "holdout10")
# Training parts each written blind by a writer of its own, who never saw the grader (the others were written in
# house): `python -m bench.triage.severity_cv --by-writer` scores each by detectors trained on all the other parts.
BLIND_PARTS = ("holdout5", "holdout6", "holdout7", "train8a", "train8b", "train9a", "train9b", "train10a", "train10b",
               "train11a", "train11b", "train12a", "train12b", "train13a", "train13b", "train14a", "train14b")
C = 2.0  # inverse regularisation (chosen by repeated stratified CV on the training parts; docs/severity.md)
LONGEST = 3  # the longest character n-gram read
FALSE_RATE = 0.04  # at most this share of out-of-fold negatives above the serious threshold (chosen by CV)
# The same for the notable detector, which only raises level IV to III (None: FALSE_RATE).
NOTABLE_RATE = None  # 0.03, 0.06 and 0.08 were tried by leaving one writer out (docs/severity.md)
# Given a file of ordinary citizen complaints (the hotline's own, unlabelled: almost all are calm), the notable
# threshold is also raised until at most this share of them would be raised to level III: the labelled calm reports
# are written to be calm, and with more moderate-weighted training data the same labelled budget raised ever more of
# the real hotline (3.3 % of the training complaints with 3,275 reports, 6.4 % with 3,675, 10.4 % with 4,475).
COMPLAINT_RATE = 0.035
FLOOR = 0.5  # a threshold is never below this
FOLDS = 5
TARGETS = {"serious": {"serious"}, "notable": {"serious", "moderate"}}


def read(parts) -> list[dict]:
    """Return the labelled reports of the named parts."""
    rows = []
    for name in parts:
        with open(DATA / f"{name}.jsonl", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def labels(rows: list[dict], name: str) -> np.ndarray:
    """Return 1 for the rows a detector should raise (their band among its target bands), else 0."""
    return np.array([r["band"] in TARGETS[name] for r in rows], dtype=int)


def _analyzer(longest: int):
    def grams(text: str) -> list[str]:
        return [g for g, c in ngrams(prepare(text), longest).items() for _ in range(c)]
    return grams


def fit(name: str, texts: list[str], y: np.ndarray, threshold: float = FLOOR, c: float = C,
        longest: int = LONGEST) -> Detector:
    """Fit one detector (logistic regression, balanced classes) on normalised texts; return its plain weights."""
    tfidf = TfidfVectorizer(analyzer=_analyzer(longest), sublinear_tf=True, min_df=2)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(tfidf.fit_transform(texts), y)
    grams = {g: float(w) for g, w in zip(tfidf.get_feature_names_out(), model.coef_[0]) if w}
    idf = {g: float(v) for g, v in zip(tfidf.get_feature_names_out(), tfidf.idf_) if g in grams}
    return Detector(name, idf, grams, float(model.intercept_[0]), threshold, longest)


def out_of_fold(name: str, texts: list[str], y: np.ndarray, folds: int = FOLDS, seed: int = 0,
                c: float = C, longest: int = LONGEST) -> np.ndarray:
    """Return each text's probability from a detector fitted without its fold (stratified folds)."""
    prob = np.zeros(len(texts))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        det = fit(name, [texts[i] for i in train], y[train], c=c, longest=longest)
        for i in test:
            prob[i] = det.probability(texts[i])
    return prob


def threshold_for(prob: np.ndarray, y: np.ndarray, false_rate: float = FALSE_RATE, floor: float = FLOOR) -> float:
    """Return the lowest threshold (not below floor) that raises at most false_rate of the negatives."""
    negatives = np.sort(prob[y == 0])[::-1]
    allowed = int(false_rate * len(negatives))
    return float(max(floor, negatives[allowed] + 1e-6 if allowed < len(negatives) else floor))


def train(rows: list[dict], seed: int = 0, folds: int = FOLDS, c: float = C, longest: int = LONGEST,
          false_rate: float = FALSE_RATE, notable_rate: float | None = NOTABLE_RATE,
          complaints: list[str] | None = None, complaint_rate: float = COMPLAINT_RATE) -> Detectors:
    """Train both detectors on rows, each threshold from out-of-fold probabilities within rows; with complaints
    (ordinary citizen complaints, unlabelled), the notable threshold raises at most complaint_rate of them."""
    texts = [normalise(r["text"]) for r in rows]
    out = {}
    for name in TARGETS:
        y = labels(rows, name)
        prob = out_of_fold(name, texts, y, folds=folds, seed=seed, c=c, longest=longest)
        rate = notable_rate if name == "notable" and notable_rate is not None else false_rate
        out[name] = fit(name, texts, y, threshold_for(prob, y, rate), c=c, longest=longest)
    meta = {"reports": len(rows), "C": c, "longest": longest, "false_rate": false_rate, "notable_rate": notable_rate,
            "folds": folds, "seed": seed}
    if complaints:
        notable = out["notable"]
        prob = np.array([notable.probability(t) for t in complaints])
        notable.threshold = max(notable.threshold, threshold_for(prob, np.zeros(len(prob), dtype=int), complaint_rate))
        meta.update(complaints=len(complaints), complaint_rate=complaint_rate)
    return Detectors(out["serious"], out["notable"], meta)


# The text columns of a complaint file, tried in order (the TipDM files: routing_dev_raw.csv has title,text;
# hotspot_messages.csv 留言主题,留言详情; routing_train_segmented.csv text).
COMPLAINT_COLUMNS = ("title,text", "留言主题,留言详情", "text")
_SEGMENTED = re.compile(r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff])")  # a space between two Chinese words


def complaint_texts(paths) -> list[str]:
    """Return the texts of CSV files of citizen complaints, title and body joined where both exist (the first of
    COMPLAINT_COLUMNS a file has); raises table.TableError for a file with none of them."""
    texts = []
    for path in paths:
        header, rows = table.read_rows(path)
        spec = next((s.split(",") for s in COMPLAINT_COLUMNS if all(c in header for c in s.split(","))), None)
        if spec is None:
            raise table.TableError(f"{path}: no text column among {', '.join(COMPLAINT_COLUMNS)}")
        texts += table.texts(rows, spec)
    return texts


def read_complaints(paths) -> list[str]:
    """Return the normalised, non-empty texts of complaint files (complaint_texts), with the spaces between Chinese
    words of a segmented file taken out."""
    return [normalise(_SEGMENTED.sub("", t)) for t in complaint_texts(paths) if t.strip()]


def main(argv=None) -> int:
    """Train on the named parts and write the detector file."""
    p = argparse.ArgumentParser(prog="python -m triage.severity_learn", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--parts", default=",".join(TRAIN_PARTS), help="labelled parts to train on")
    p.add_argument("-o", "--output", default=str(DEFAULT_PATH))
    p.add_argument("--complaints", action="append", default=[],
                   help="CSV of ordinary citizen complaints (repeatable): cap the share the notable detector raises")
    args = p.parse_args(argv)
    parts = [s for s in args.parts.split(",") if s]
    if set(parts) & set(HELD_ASIDE):
        raise SystemExit(f"held aside, never trained on: {', '.join(HELD_ASIDE)}")
    rows = read(parts)
    detectors = train(rows, complaints=read_complaints(args.complaints))
    detectors.meta["parts"] = parts
    detectors.save(Path(args.output))
    print(f"trained on {len(rows)} reports ({', '.join(parts)}): thresholds serious "
          f"{detectors.serious.threshold:.3f}, notable {detectors.notable.threshold:.3f} -> {Path(args.output).name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
