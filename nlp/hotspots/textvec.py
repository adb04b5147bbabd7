"""Text vectors: TF-IDF over words joined with TF-IDF over character n-grams, L2-normalised."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# Share of the cosine that comes from word tokens (the rest from character n-grams).
WORD_WEIGHT = 0.35
CHAR_NGRAMS = (2, 3)


def _identity(tokens):
    """Return tokens unchanged (the documents are already segmented)."""
    return tokens


@dataclass
class TextModel:
    """Fitted vectorizers that turn (tokens, clean text) pairs into unit vectors."""

    words: object
    chars: object
    word_weight: float

    def transform(self, tokens: list, texts: list) -> sp.csr_matrix:
        """Return unit-length rows for the given documents."""
        from sklearn.preprocessing import normalize

        w = normalize(self.words.transform(tokens)) * np.sqrt(self.word_weight)
        c = normalize(self.chars.transform(texts)) * np.sqrt(1.0 - self.word_weight)
        return normalize(sp.hstack([w, c]).tocsr())

    def vocabulary(self) -> np.ndarray:
        """Return the word vocabulary (for keywords)."""
        return self.words.get_feature_names_out()


def fit(tokens: list, texts: list, word_weight: float = WORD_WEIGHT, ngrams=CHAR_NGRAMS,
        max_features: int | None = None) -> tuple[TextModel, sp.csr_matrix]:
    """Fit the vectorizers on the documents and return (model, unit-length rows)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    max_df = 0.5 if len(texts) >= 50 else 1.0
    words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, max_df=max_df, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char", ngram_range=ngrams, sublinear_tf=True, max_df=max_df,
                            min_df=1 if len(texts) < 2000 else 2, max_features=max_features, dtype=np.float32)
    if not any(tokens):
        tokens = [["_"] for _ in tokens]
    words.fit(tokens)
    chars.fit([t or "_" for t in texts])
    model = TextModel(words, chars, word_weight)
    return model, model.transform(tokens, texts)
