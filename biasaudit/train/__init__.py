"""Training code for biasaudit's shipped models (kept out of the analyzers' import path).

Imported only by ``biasaudit train`` and the tests; scanning never needs it.
"""
