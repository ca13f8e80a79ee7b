"""Where webhooks go: a delivery is sent to the address that was checked, naming its host."""

from __future__ import annotations

from hub.security.endpoints import pinned


def test_a_pinned_request_connects_to_the_address_and_names_the_host() -> None:
    https = pinned("https://hooks.example.org:8443/in?x=1#f", "93.184.216.34")
    assert https.url == "https://93.184.216.34:8443/in?x=1#f"
    assert https.headers == {"host": "hooks.example.org:8443"}
    # TLS checks the receiver's certificate against the name, not the address.
    assert https.extensions == {"sni_hostname": "hooks.example.org"}

    default_port = pinned("https://hooks.example.org/in", "2001:db8::7")
    assert default_port.url == "https://[2001:db8::7]/in"
    assert default_port.headers == {"host": "hooks.example.org"}

    plain = pinned("http://localhost:8080/hook", "127.0.0.1")
    assert plain.url == "http://127.0.0.1:8080/hook"
    assert plain.headers == {"host": "localhost:8080"}
    assert plain.extensions == {}
