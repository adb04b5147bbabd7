"""Class-based TF-IDF (as in BERTopic): the words that set one cluster apart from the others."""

import re
from collections import Counter

import numpy as np
import scipy.sparse as sp

from nlp.keywords import is_filler



# Words too general to name an issue, and tokens that are mostly digits.
GENERIC = frozenset("时候 问题 情况 相关 反映 部门 有限公司 限公司 公司 希望 要求 进行 没有 现在 已经 今天 一直 "
                    "领导 您好 尊敬 市民 居民 群众 来电 处理 解决 政府 请问 咨询 建议 投诉 举报".split())
_DIGITS = re.compile(r"\d")


def usable(word: str) -> bool:
    """Tell whether a word may serve as a keyword."""

    return word not in GENERIC and len(_DIGITS.findall(word)) * 2 < len(word) and not is_filler(word)


def _counts(tokens: list, labels: np.ndarray):
    """Return (classes, vocabulary, class x word count matrix); noise (-1) is a class of its own."""
    classes = sorted(set(int(x) for x in labels))
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    row_of = {c: r for r, c in enumerate(classes)}
    for toks, label in zip(tokens, labels):
        for word, count in Counter(w for w in toks if usable(w)).items():
            rows.append(row_of[int(label)])
            cols.append(vocab.setdefault(word, len(vocab)))
            vals.append(count)
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(classes), len(vocab)), dtype=np.float64)
    return classes, np.array(list(vocab), dtype=object), matrix


def keywords(tokens: list, labels: np.ndarray, top: int = 5) -> dict[int, list[str]]:
    """Return the top words of every cluster by c-TF-IDF: tf(w, c) * log(1 + A / f(w))."""
    labels = np.asarray(labels)
    if not (labels >= 0).any():
        return {}
    classes, vocab, counts = _counts(tokens, labels)
    if not len(vocab):
        return {c: [] for c in classes if c >= 0}
    totals = np.asarray(counts.sum(axis=1)).ravel()
    tf = sp.diags(1.0 / np.maximum(totals, 1)) @ counts
    freq = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1.0 + totals.mean() / np.maximum(freq, 1))
    scores = (tf @ sp.diags(idf)).tocsr()
    out = {}
    for r, c in enumerate(classes):
        if c < 0:
            continue
        row = scores.getrow(r)
        order = np.argsort(-row.data, kind="stable")[:top]
        out[c] = [str(vocab[row.indices[k]]) for k in order]
    return out
