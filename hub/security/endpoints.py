"""Where the hub may send webhooks: a guard against server-side request forgery.

In production an endpoint must be HTTPS and every address its host resolves to must be public:
loopback, private, link-local, shared, reserved, multicast and unspecified addresses are refused,
at registration and again before each delivery (a name may resolve elsewhere later). In
development plain HTTP and local receivers are allowed, so tests and a laptop can receive.

A delivery connects to the address that was checked, not to the name (`pinned`): the name is
resolved once, so it cannot answer the check with a public address and the connection with a
private one (DNS rebinding). The request still names the host (its `Host` header, and the name
TLS verifies the receiver's certificate against), so receivers see no difference.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

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
    # A URL is printable ASCII (RFC 3986): a space, a line break (which would split the request
    # line) or any other character is percent-encoded by the caller, never stored as given.
    for index, char in enumerate(url):
        if not "!" <= char <= "~":
            raise EndpointRefused(
                f"contains {char!r} at position {index}; percent-encode spaces, line breaks and "
                "characters outside ASCII"
            )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as bad:
        raise EndpointRefused(f"is not a URL ({bad})") from None
    if port == 0:
        raise EndpointRefused("names port 0; a receiver listens on a port between 1 and 65535")
    allowed = ("https",) if production else ("https", "http")
    if parts.scheme not in allowed:
        raise EndpointRefused(f"must be an {' or '.join(a.upper() for a in allowed)} URL (got {url[:60]!r})")
    if not parts.hostname:
        raise EndpointRefused("names no host")
    if parts.username or parts.password:
        raise EndpointRefused("must not carry credentials; the signature authenticates the hub")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def check_endpoint(url: str, production: bool) -> str:
    """The address the hub will connect to for `url` (the first its host resolves to), or
    EndpointRefused unless the hub may send to `url` in this mode."""
    host, port = parsed_host(url, production)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise EndpointRefused(f"its host {host!r} does not resolve") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses:
        raise EndpointRefused(f"its host {host!r} does not resolve")
    for address in addresses if production else ():
        if _not_public(address):
            raise EndpointRefused(
                f"its host {host!r} resolves to {address}, a loopback, private or link-local "
                "address, which the hub does not call in production"
            )
    return str(addresses[0])


@dataclass(frozen=True, slots=True)
class Pinned:
    """A request to `url` sent to a checked address: the URL to connect to, the headers that name
    the host, and the request extensions that make TLS verify the certificate for the host."""

    url: str
    headers: dict[str, str]
    extensions: dict[str, Any]


def pinned(url: str, address: str) -> Pinned:
    """`url` with its host replaced by `address` (brackets for IPv6), its `Host` header and, for
    HTTPS, the name the receiver's certificate must match (`sni_hostname`, httpx's extension)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port is not None else literal
    named = f"{host}:{parts.port}" if parts.port is not None else host
    target = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    extensions: dict[str, Any] = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Pinned(target, {"host": named}, extensions)
