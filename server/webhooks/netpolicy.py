"""Where webhooks may send: the network policy, checked when a URL is registered and again before every connection.

A webhook's host must be a public address, or a host name whose every address is public, unless the address lies
in one of the ranges of ``WEBHOOK_ALLOWED_CIDRS`` (cities run department systems on private government networks).
Never allowed, whatever the list says: the unspecified address and multicast. Always refused by name: ``localhost``
and ``*.localhost``, cloud metadata names, special-use and reverse-DNS names, names without a dot, IPv4 addresses
spelled any other way than four decimal numbers (``127.1``, ``2130706433``, ``0x7f000001``, ``0177.0.0.1``), and
IPv4-mapped or IPv4-compatible IPv6 addresses (unless the IPv6 range itself is listed). IPv6 addresses that carry
an IPv4 address (6to4, NAT64, Teredo) are judged by that address too.

``check_url`` parses; ``resolve_checked`` resolves a host name and checks each address. The sender connects to a
checked address itself (``server.webhooks.transport``), so a name that resolves differently later cannot redirect it.
"""
import ipaddress
import re
import socket
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

BLOCKED = "blocked_address"
UNRESOLVABLE = "unresolvable"

# Names that must never be a webhook's host, whatever they resolve to.
_BLOCKED_NAMES = frozenset({
    "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "broadcasthost",
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal",
    "metadata.azure.com", "metadata.tencentyun.com", "kubernetes.default.svc",
})
# Special-use names (RFC 6761, 6762): never public; refused without a DNS query.
_BLOCKED_SUFFIXES = (".localhost", ".in-addr.arpa", ".ip6.arpa", ".invalid", ".test", ".example", ".local",
                     ".svc.cluster.local")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")

# Special-purpose ranges (IANA registries) that are not public destinations; checked besides Python's own flags.
_SPECIAL = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4",
    "::/128", "::1/128", "::ffff:0:0/96", "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedTarget(ValueError):
    """A URL or address the webhook policy refuses; ``reason`` is ``blocked_address`` or ``unresolvable``."""

    def __init__(self, message: str, reason: str = BLOCKED):
        super().__init__(message)
        self.reason = reason


@dataclass
class Target:
    """A checked URL: where to connect, what to send as Host/SNI, and the path to POST to."""

    scheme: str
    host: str  # ASCII, lower case, without brackets or a final dot
    port: int
    path: str
    literal: IPAddress | None = None
    addresses: list = field(default_factory=list)

    @property
    def host_header(self) -> str:
        """The Host header: the host as written (IPv6 in brackets), with the port unless it is the default."""
        host = f"[{self.host}]" if self.literal is not None and self.literal.version == 6 else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@lru_cache(maxsize=32)
def _parse_cidrs(text: str) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def allowed_networks(value) -> tuple[IPNetwork, ...]:
    """``WEBHOOK_ALLOWED_CIDRS`` as networks: a comma-separated string or a list of ranges (ValueError if invalid)."""
    if not value:
        return ()
    if not isinstance(value, str):
        value = ",".join(str(v) for v in value)
    return _parse_cidrs(value)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: 6to4, Teredo (server and client), NAT64."""
    found = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_problem(ip: IPAddress, allowed: tuple[IPNetwork, ...] = ()) -> str | None:
    """Why a webhook may not connect to ``ip`` (None when it may)."""
    if ip.version == 6 and ip.scope_id:
        return "an IPv6 address with a zone"
    if ip.is_unspecified or ip.is_multicast:
        return "the unspecified address or a multicast address"
    listed = any(ip in net for net in allowed if net.version == ip.version)
    if ip.version == 6 and (ip.ipv4_mapped is not None or 1 < int(ip) < 2 ** 32):
        return None if listed else "an IPv4-mapped or IPv4-compatible IPv6 address (write the IPv4 address)"
    if listed:
        return None
    if (any(ip in net for net in _SPECIAL) or not ip.is_global or ip.is_private or ip.is_loopback
            or ip.is_link_local or ip.is_reserved or (ip.version == 6 and ip.is_site_local)):
        return "a private, loopback, link-local or reserved address (not in WEBHOOK_ALLOWED_CIDRS)"
    if ip.version == 6:
        for inner in _embedded_ipv4(ip):
            problem = address_problem(inner, allowed)
            if problem is not None:
                return f"an IPv6 address that carries {problem}"
    return None


def _ascii_host(host: str) -> str:
    """The host name in ASCII (IDNA), lower case, without a final dot; BlockedTarget when it is not a host name."""
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise BlockedTarget("url: the host is not a valid host name") from None
    if ascii_host.endswith("."):
        ascii_host = ascii_host[:-1]
    return ascii_host


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def check_host(host: str, allowed: tuple[IPNetwork, ...] = ()) -> tuple[str, IPAddress | None]:
    """The host as (ASCII name, IP literal or None), or BlockedTarget: names and literals judged without DNS."""
    if not host:
        raise BlockedTarget("url: a host is required")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        problem = address_problem(literal, allowed)
        if problem:
            raise BlockedTarget(f"url: webhooks may not be sent to {problem}")
        return str(literal), literal
    name = _ascii_host(host)
    labels = name.split(".")
    if _NUMERIC_LABEL.match(labels[-1]) or _is_ip(name):  # a canonical literal was taken above
        raise BlockedTarget("url: write an IPv4 address as four decimal numbers (a.b.c.d), an IPv6 address in "
                            "brackets, or use the host name")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise BlockedTarget("url: the host is not a valid host name")
    if name in _BLOCKED_NAMES or name.endswith(_BLOCKED_SUFFIXES):
        raise BlockedTarget(f"url: webhooks may not be sent to {name}")
    if len(labels) < 2:
        raise BlockedTarget("url: give a fully qualified host name")
    return name, None


def check_url(url: str, schemes: set[str], allowed: tuple[IPNetwork, ...] = ()) -> Target:
    """Parse and check a webhook URL without DNS; BlockedTarget (a ValueError) says what is wrong."""
    if not isinstance(url, str) or len(url) > 500 or _BAD_CHARS.search(url):
        raise BlockedTarget(f"url: an absolute {' or '.join(sorted(schemes))} URL of at most 500 characters, "
                            "without spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.netloc:
        raise BlockedTarget(f"url: an absolute {' or '.join(sorted(schemes))} URL of at most 500 characters")
    if "@" in parts.netloc:
        raise BlockedTarget("url: no user name or password in the URL (the signature authenticates deliveries)")
    try:
        port = parts.port
    except ValueError:
        raise BlockedTarget("url: the port is not a number from 1 to 65535") from None
    if port == 0:
        raise BlockedTarget("url: the port is not a number from 1 to 65535")
    host, literal = check_host(parts.hostname or "", allowed)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path, literal)


def resolve_checked(target: Target, allowed: tuple[IPNetwork, ...] = ()) -> list[IPAddress]:
    """Every address the target's host has, each checked; BlockedTarget when one is refused or there is none.

    For a host name the message is the same whether it does not resolve or resolves to a refused address, so that
    registering URLs cannot tell which internal names exist (``reason`` still tells the two apart, for the sender).
    """
    refused = f"url: {target.host} does not resolve to addresses webhooks may reach (public, or WEBHOOK_ALLOWED_CIDRS)"
    if target.literal is not None:
        addresses = [target.literal]
    else:
        try:
            infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError, OSError):
            raise BlockedTarget(refused, UNRESOLVABLE) from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not addresses:
            raise BlockedTarget(refused, UNRESOLVABLE)
    for ip in addresses:
        problem = address_problem(ip, allowed)
        if problem:
            raise BlockedTarget(f"url: {target.host} is {problem}" if target.literal is not None else refused)
    target.addresses = addresses
    return addresses
