"""The domain: plain dataclasses, enums and lifecycles. Imports neither Strawberry nor Neo4j."""
