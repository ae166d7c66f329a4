"""Retrieval: the user's nearest training widgets as examples in the prompt.

- ``index``: the BM25 index over the train split (stored beside the dataset, rebuilt when it changes).
- ``examples``: settings, loading/caching per dataset folder, and choosing examples within a token budget.
"""
