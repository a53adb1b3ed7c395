"""The demo centre that `seed_demo` builds, one module per stage: people and plans, evidence, assessment."""
