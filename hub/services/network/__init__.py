"""Network measures of the partnership graph, computed off the request path."""
