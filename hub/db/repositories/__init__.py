"""One module per aggregate; each holds its Cypher as named constants and maps rows to the domain."""
