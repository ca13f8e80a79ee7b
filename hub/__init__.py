"""Fintech Integration Hub: a GraphQL API over a Neo4j graph of Beijing's fintech ecosystem."""

__version__ = "0.1.0"
