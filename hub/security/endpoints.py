"""Where the hub may send webhooks: a guard against server-side request forgery.

In production an endpoint must be HTTPS and every address its host resolves to must be public:
loopback, private, link-local, shared, reserved, multicast and unspecified addresses are refused,
at registration and again before each delivery (a name may resolve elsewhere later). In
development plain HTTP and local receivers are allowed, so tests and a laptop can receive.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class EndpointRefused(ValueError):
    """The URL may not receive webhooks; the message says why."""


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def parsed_host(url: str, production: bool) -> tuple[str, int]:
    """The host and port of a well-formed endpoint URL, or EndpointRefused."""
    if len(url) > MAX_URL_LENGTH:
        raise EndpointRefused(f"is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as bad:
        raise EndpointRefused(f"is not a URL ({bad})") from None
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed:
        raise EndpointRefused(f"must be an {' or '.join(a.upper() for a in allowed)} URL (got {url[:60]!r})")
    if not parts.hostname:
        raise EndpointRefused("names no host")
    if parts.username or parts.password:
        raise EndpointRefused("must not carry credentials; the signature authenticates the hub")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def check_endpoint(url: str, production: bool) -> None:
    """Raises EndpointRefused unless the hub may send to `url` in this mode."""
    host, port = parsed_host(url, production)
    if not production:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise EndpointRefused(f"its host {host!r} does not resolve") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if _not_public(address):
            raise EndpointRefused(
                f"its host {host!r} resolves to {address}, a loopback, private or link-local "
                "address, which the hub does not call in production"
            )
