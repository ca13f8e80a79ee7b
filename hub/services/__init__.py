"""Use cases: each takes plain commands, checks them, and runs the repositories in one transaction."""
