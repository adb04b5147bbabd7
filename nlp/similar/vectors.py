"""A case's text as a stored sparse vector: hashed character 2-3-grams and Latin/number words, sublinear tf."""

import re
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from nlp.hotspots.features import soft_text

N_FEATURES = 2 ** 20  # hashed feature space; fixed, so no vocabulary is ever fitted
HEAD = 300  # characters of a text that count (long transcripts would drown the hazard)
VERSION = 1  # first byte of an encoded vector; bump when features() or the encoding changes
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[0-9a-z]+")


def features(text: str) -> list[str]:
    """The features of a text: character 2- and 3-grams of each Chinese run, and each Latin or number word."""
    soft = soft_text(text or "")[:HEAD]
    out = []
    for run in _CJK_RUN.findall(soft):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
        out.extend(run[i:i + 3] for i in range(len(run) - 2))
        if len(run) == 1:
            out.append(run)
    out.extend("w:" + w for w in _WORD.findall(soft))
    return out


@lru_cache(maxsize=1)
def _hasher():
    """The shared HashingVectorizer (stateless: the same text gives the same vector in every process)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(analyzer=features, n_features=N_FEATURES, alternate_sign=False, norm=None,
                             dtype=np.float32)


def term_rows(texts: list[str]) -> sp.csr_matrix:
    """Hashed feature counts of texts as rows, with sublinear tf (1 + log count); not normalised."""
    rows = _hasher().transform(texts).tocsr()
    rows.sum_duplicates()
    rows.data = 1.0 + np.log(rows.data)
    return rows


def encode_row(rows: sp.csr_matrix, i: int = 0) -> bytes:
    """Row i as bytes: version, then uint32 feature indices, then float16 weights."""
    start, end = rows.indptr[i], rows.indptr[i + 1]
    idx = rows.indices[start:end].astype("<u4")
    return bytes([VERSION]) + idx.tobytes() + rows.data[start:end].astype("<f2").tobytes()


def encode(text: str) -> bytes:
    """The stored vector of one text."""
    return encode_row(term_rows([text]))


def decode(blob: bytes | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(feature indices, weights) of a stored vector; None for a missing one or one of another version."""
    if not blob or blob[0] != VERSION or (len(blob) - 1) % 6:
        return None
    n = (len(blob) - 1) // 6
    idx = np.frombuffer(blob, dtype="<u4", count=n, offset=1).astype(np.int32)
    return idx, np.frombuffer(blob, dtype="<f2", count=n, offset=1 + 4 * n).astype(np.float32)


def stack(blobs: list) -> tuple[sp.csr_matrix, np.ndarray]:
    """Stored vectors as CSR rows, and a mask of the ones that were readable (unreadable ones are zero rows)."""
    parts = [decode(b) for b in blobs]
    ok = np.array([p is not None for p in parts], dtype=bool)
    lengths = np.array([len(p[0]) if p is not None else 0 for p in parts], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    good = [p for p in parts if p is not None]
    indices = np.concatenate([p[0] for p in good]) if good else np.zeros(0, np.int32)
    data = np.concatenate([p[1] for p in good]) if good else np.zeros(0, np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(blobs), N_FEATURES)), ok
