"""A small labelled training set made from a taxonomy's own examples and keywords (for tests of learned routing)."""


def taxonomy_training_set(taxonomy, label_of) -> tuple[list[str], list[str]]:
    """(texts, labels): each subcategory's examples and keyword sentences, twice, labelled by label_of(subcategory)."""
    texts, labels = [], []
    for sub in taxonomy.subcategories:
        phrases = list(sub.examples) + [f"这里{kw}，请尽快处理" for kw in sub.keywords]
        for text in phrases * 2:
            texts.append(text)
            labels.append(label_of(sub))
    return texts, labels
