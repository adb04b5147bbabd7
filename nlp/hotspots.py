"""Hotspot detection: HDBSCAN over TF-IDF text vectors and, when present, location."""

import math
import warnings

import numpy as np

MAX_DIMS = 50
# Two reports GEO_KM kilometres apart are as far apart as two unrelated texts (distance ~1).
GEO_KM = 1.0
KM_PER_DEGREE = 111.32
# A cluster whose members' texts have a lower mean pairwise cosine similarity is not a topic.
MIN_COHESION = 0.05


def _identity(tokens):
    """Return tokens unchanged (the documents are already segmented)."""
    return tokens


def _geo_features(docs: list[dict]) -> np.ndarray | None:
    """Return lat/lon as scaled kilometre offsets; missing positions get the mean position."""
    known = [(d["lat"], d["lon"]) for d in docs if d.get("lat") is not None and d.get("lon") is not None]
    if not known:
        return None
    lat0 = sum(p[0] for p in known) / len(known)
    lon0 = sum(p[1] for p in known) / len(known)
    cos0 = math.cos(math.radians(lat0))
    rows = []
    for d in docs:
        lat, lon = d.get("lat"), d.get("lon")
        if lat is None or lon is None:
            lat, lon = lat0, lon0
        rows.append(((lat - lat0) * KM_PER_DEGREE, (lon - lon0) * KM_PER_DEGREE * cos0))
    return np.asarray(rows) / GEO_KM


def _features(docs: list[dict]):
    """Return (feature matrix, tf-idf matrix, vocabulary) for the documents."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(analyzer=_identity)
    tfidf = vectorizer.fit_transform([list(d.get("tokens") or []) for d in docs])
    n_docs, n_terms = tfidf.shape
    dims = min(MAX_DIMS, n_docs - 1, n_terms - 1)
    if n_terms > MAX_DIMS and dims >= 2:
        text = TruncatedSVD(n_components=dims, random_state=0).fit_transform(tfidf)
    else:
        text = tfidf.toarray()
    text = normalize(text)
    geo = _geo_features(docs)
    features = np.hstack([text, geo]) if geo is not None else text
    return features, tfidf, vectorizer.get_feature_names_out()


def _cohesion(tfidf, members: list[int]) -> float:
    """Return the mean pairwise cosine similarity of the members' (L2-normalised) TF-IDF rows."""
    rows = tfidf[members]
    n = len(members)
    sims = (rows @ rows.T).toarray()
    return float((sims.sum() - np.trace(sims)) / (n * (n - 1)))


def _describe(docs, members: list[int], tfidf, vocab) -> dict:
    """Return the public description of one cluster."""
    weights = np.asarray(tfidf[members].sum(axis=0)).ravel()
    order = [i for i in np.argsort(-weights, kind="stable") if weights[i] > 0][:5]
    keywords = [str(vocab[i]) for i in order]
    located = [docs[i] for i in members if docs[i].get("lat") is not None and docs[i].get("lon") is not None]
    centroid = None
    if located:
        centroid = (
            sum(d["lat"] for d in located) / len(located),
            sum(d["lon"] for d in located) / len(located),
        )
    times = [docs[i]["created_at"] for i in members if docs[i].get("created_at") is not None]
    return {
        "members": [docs[i]["id"] for i in members],
        "keywords": keywords,
        "label": "·".join(keywords[:3]),
        "size": len(members),
        "centroid": centroid,
        "first_seen": min(times) if times else None,
        "last_seen": max(times) if times else None,
    }


def cluster(docs: list[dict], min_cluster_size: int = 3) -> list[dict]:
    """Group related reports into hotspots, largest first; noise points are left out."""
    import hdbscan

    min_cluster_size = max(2, int(min_cluster_size))
    usable = [d for d in docs if d.get("tokens")]
    if len(usable) < min_cluster_size or len({t for d in usable for t in d["tokens"]}) < 2:
        return []
    features, tfidf, vocab = _features(usable)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # sklearn deprecations inside hdbscan
        labels = hdbscan.HDBSCAN(min_cluster_size=min_cluster_size, min_samples=2, metric="euclidean",
                                 cluster_selection_method="leaf").fit_predict(features)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        if label >= 0:
            groups.setdefault(int(label), []).append(index)
    clusters = [
        _describe(usable, members, tfidf, vocab)
        for members in groups.values()
        if _cohesion(tfidf, members) >= MIN_COHESION
    ]
    clusters.sort(key=lambda c: (-c["size"], c["first_seen"] is None, c["first_seen"] or 0))
    return clusters
