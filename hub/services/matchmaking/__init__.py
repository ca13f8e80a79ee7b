"""Recommended partners: candidate features from the graph, scored by pure functions with reasons."""
