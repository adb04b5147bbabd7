"""Text vectors: TF-IDF over word tokens and over character 1-3-grams, each row of unit length."""

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
        """Return (word rows, character rows), unit length; empty texts give zero rows."""
        from sklearn.preprocessing import normalize

        w = self.words.transform([split_places(t)[: self.head // 2] for t in tokens])
        c = self.chars.transform([t[: self.head] for t in texts])
        return normalize(w).tocsr(), normalize(c).tocsr()


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
