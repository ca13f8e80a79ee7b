"""Loading the seed ecosystem (graph_seeds/) and generating synthetic ones for scale work."""
