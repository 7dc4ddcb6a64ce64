"""One spelling of an address on the wire: the domain in punycode, as SMTP, the To and From
headers and the calendar's ``mailto:`` URIs all carry it.

Pure: standard library only (the iCalendar and iMIP builders use it).
"""

from __future__ import annotations

from urllib.parse import quote

# What RFC 6068 lets a mailto: address keep as it is: unreserved characters and "some-delims"
# ("!$'()*+,;:@"). Everything else a local part may hold (% / ? # & = ^ ` { | }) is
# percent-encoded, so the URI parses and still names the same mailbox.
_MAILTO_SAFE = "!$'()*+,;:-._~"


def ascii_address(address: str) -> str:
    """``address`` with its domain in punycode (kim@lübeck.de → kim@xn--lbeck-kva.de), as
    SMTP envelopes and mail headers without SMTPUTF8 need it."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    return f"{local}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    """``domain`` in punycode if it has non-ASCII characters, else as it is."""
    return domain if domain.isascii() else domain.encode("idna").decode("ascii")


def mailto_uri(address: str) -> str:
    """The ``mailto:`` URI of ``address`` (RFC 6068), naming exactly the mailbox that the To
    header names: the same punycode domain, the local part percent-encoded where a URI needs
    it (``+`` stays as it is)."""
    local, _, domain = ascii_address(address).rpartition("@")
    return f"mailto:{quote(local, safe=_MAILTO_SAFE)}@{quote(domain, safe='-.')}"
