"""Matchmaking constants shared by the features and the evaluation's baselines."""

from __future__ import annotations

# How much an offer counts towards capability fit, by its maturity.
MATURITY_WEIGHT = {"EMERGING": 0.5, "PROVEN": 0.8, "MATURE": 1.0}
