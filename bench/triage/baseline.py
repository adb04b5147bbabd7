"""The yardstick: plain jieba tokens, default TF-IDF and a linear SVM, no other preparation."""
import jieba
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC


def jieba_tokens(text: str) -> list[str]:
    """Return jieba's words of a text, whitespace dropped (segmented text keeps its words)."""
    return [w for w in jieba.lcut(text) if w.strip()]


class Baseline:
    """jieba + TF-IDF + LinearSVC with the library defaults, the same function on every text."""

    def __init__(self):
        """Build the unfitted pipeline."""
        jieba.setLogLevel(60)
        self.pipeline = Pipeline([
            ("tfidf", TfidfVectorizer(tokenizer=jieba_tokens, token_pattern=None)),
            ("svm", LinearSVC()),
        ])

    def fit(self, texts: list[str], labels: list[str]) -> "Baseline":
        """Fit on texts and labels."""
        self.pipeline.fit(texts, labels)
        return self

    def predict(self, texts: list[str]) -> list[str]:
        """Return the predicted label of each text."""
        return [str(p) for p in self.pipeline.predict(texts)]
