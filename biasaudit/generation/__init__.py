"""Responses of a local model to dialogue contexts taken from a corpus (``biasaudit generate``)."""
