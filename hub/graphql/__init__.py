"""The GraphQL schema: one module per area, composed in schema.py. Resolvers stay thin."""
