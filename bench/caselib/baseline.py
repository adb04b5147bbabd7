"""The plain way: a TF-IDF vocabulary fitted on all texts, sklearn NearestNeighbors brute-force cosine, text only."""

import numpy as np

from nlp.similar.vectors import features


class BruteBaseline:
    """TfidfVectorizer (same features, fitted once) + NearestNeighbors(metric="cosine", algorithm="brute")."""

    def __init__(self, texts: list[str], ids: list[int]):
        """Fit the vocabulary and the neighbour search on every text."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neighbors import NearestNeighbors

        self.vectorizer = TfidfVectorizer(analyzer=features, sublinear_tf=True, dtype=np.float32)
        matrix = self.vectorizer.fit_transform(texts)
        self.nn = NearestNeighbors(metric="cosine", algorithm="brute").fit(matrix)
        self.ids = np.asarray(ids)

    def search(self, text: str, k: int) -> list[int]:
        """The ids of the k texts nearest by cosine."""
        _dist, rows = self.nn.kneighbors(self.vectorizer.transform([text]), n_neighbors=k)
        return [int(i) for i in self.ids[rows[0]]]
