"""Text vectors: TF-IDF over word tokens and over character 1-3-grams, each row of unit length."""

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from nlp.segment import split_places

CHAR_NGRAMS = (1, 3)


def _identity(tokens):
    """Return tokens unchanged (the documents are already segmented)."""
    return tokens


@dataclass
class TextModel:
    """Fitted word and character vectorizers, with the head length texts are cut to."""

    words: object
    chars: object
    head: int

    def transform(self, tokens: list, texts: list) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Return (word rows, character rows), unit length over all their terms; empty texts give zero rows.

        Terms the model never saw have no column, but they still count in a row's length (each as a term of the
        highest idf): "快递柜坏了取不了件" against a model fitted on a gas leak's reports is mostly unknown characters,
        not a row of 了 alone that reads 12% like every report with 了 in it."""
        w = _unit_rows(self.words, [split_places(t)[: self.head // 2] for t in tokens])
        c = _unit_rows(self.chars, [t[: self.head] for t in texts])
        return w, c


def _unit_rows(vectorizer, docs: list) -> sp.csr_matrix:
    """Return the fitted vectorizer's TF-IDF rows of docs divided by their length including unseen terms."""
    import copy

    raw = copy.copy(vectorizer)
    raw.norm = None  # the fitted model is shared (a worker's cached state); its copy drops the normalisation
    rows = raw.transform(docs).tocsr()
    analyse, vocabulary, rare = vectorizer.build_analyzer(), vectorizer.vocabulary_, float(vectorizer.idf_.max())
    squares = np.asarray(rows.multiply(rows).sum(axis=1)).ravel()
    for k, doc in enumerate(docs):
        unseen = Counter(term for term in analyse(doc) if term not in vocabulary)
        squares[k] += sum(((1.0 + np.log(n)) * rare) ** 2 for n in unseen.values())
    scale = np.divide(1.0, np.sqrt(squares), out=np.zeros_like(squares), where=squares > 0)
    return (sp.diags(scale.astype(np.float32)) @ rows).tocsr()


def fit(tokens: list, texts: list, head: int = 200) -> tuple[TextModel, sp.csr_matrix, sp.csr_matrix]:
    """Fit both vectorizers on the heads of the documents; return (model, word rows, character rows)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    big = len(texts) >= 5000
    words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, dtype=np.float32, min_df=2 if big else 1)
    chars = TfidfVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32,
                            min_df=2 if big else 1)
    tokens = [split_places(t) for t in tokens]
    word_docs = [t[: head // 2] or ["\x00"] for t in tokens]
    char_docs = [t[:head] or "\x00" for t in texts]
    w = _fit_transform(words, word_docs)
    c = _fit_transform(chars, char_docs)
    # reports without words or text get zero rows, as transform() gives them
    w = _zero_rows(w, [not t[: head // 2] for t in tokens])
    c = _zero_rows(c, [not t for t in texts])
    return TextModel(words, chars, head), normalize(w).tocsr(), normalize(c).tocsr()


def _zero_rows(matrix, empty: list) -> sp.csr_matrix:
    """Return matrix with the rows flagged empty set to zero."""
    empty = np.asarray(empty, dtype=bool)
    return sp.diags((~empty).astype(np.float32)) @ matrix if empty.any() else matrix


def _fit_transform(vectorizer, docs):
    """Fit and transform in one pass; retry without min_df when it prunes every term."""
    try:
        return vectorizer.fit_transform(docs)
    except ValueError:
        return vectorizer.set_params(min_df=1).fit_transform(docs)
