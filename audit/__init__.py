"""The tamper-evident audit trail: a leaf app that imports no other app of ours.

Every service of every app appends its own record with `audit.trail.record()`
inside its own transaction, so a record commits or rolls back with the change it
describes. See `trail.py` for the hash chain and its seal.
"""
