"""HTTP endpoints beside GraphQL: streamed exports and the web explorer."""
