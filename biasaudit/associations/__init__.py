"""Association tests on word and sentence embeddings (WEAT of Caliskan et al. 2017, and relatives).

Measures associations only: it never changes embeddings and never downloads vectors.
"""
