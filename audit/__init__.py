"""The tamper-evident audit trail: a leaf app that imports no other app of ours.

Every service of every app appends its own record with `audit.trail.record()`
inside its own transaction, so a record commits or rolls back with the change it
describes. See `trail.py` for the hash chain and its seal, and `sentences.py` for
the sentence each action reads as on the history page: a new action needs its
phrase there (tests/audit/test_sentences.py finds the actions in the code).
"""
