"""Authentication: API keys issued by the hub and JWT bearer tokens from an identity provider."""
