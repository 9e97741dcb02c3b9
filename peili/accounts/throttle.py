"""Login throttling, over the cache counters of `peili.core.throttle`.

Failures are counted by the exact username the sign-in backend looks up:
- **pair** — one username from one address (PEILI_LOGIN_MAX_FAILURES): a forgotten or guessed password;
- **user** — one username from any address (× PEILI_LOGIN_SPREAD_FACTOR): guessing spread over many
  addresses;
- **unknown** — usernames that are no account, from one address (× PEILI_LOGIN_SPREAD_FACTOR): a
  flood of made-up names.

A locked username is refused without trying its password. An address flooding made-up names is
refused for names that are no account only: everyone behind the same proxy or office NAT shares an
address, so a real user whose own counts are low still signs in with the right password. While an
address is locked, every failure from it gets the lock's answer, so the answers never tell a real
username from a made-up one. (Spraying one password over many real accounts is bounded by each
account's own counts.)

Behind reverse proxies, PEILI_TRUSTED_PROXIES says which hops of the forwarded-for header
(PEILI_CLIENT_IP_HEADER) to believe: the client is the right-most address the trusted proxies
recorded, never the client's own leftmost words.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from peili.core import throttle
from peili.core.throttle import Limit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_proxies(value: str) -> int | tuple[Network, ...]:
    """PEILI_TRUSTED_PROXIES read: a number of proxy hops, or the proxies' networks (comma-separated
    addresses or CIDR ranges); "" = none (the peer is the client)."""
    value = value.strip()
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"PEILI_TRUSTED_PROXIES: {error}") from None


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request: HttpRequest | None) -> str:
    """The client's address: the peer's, or — behind trusted proxies — the right-most address in
    the forwarded-for header that no trusted proxy wrote for itself."""
    if request is None:
        return ""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    trusted = trusted_proxies(str(getattr(settings, "PEILI_TRUSTED_PROXIES", "")))
    if not trusted:
        return peer
    forwarded = str(request.META.get(settings.PEILI_CLIENT_IP_HEADER, ""))
    hops = [part.strip() for part in forwarded.split(",") if part.strip()]
    chain = [*hops, peer]  # left: the client's own words; right: what each proxy saw
    if isinstance(trusted, int):
        # The peer and the values written by the first `trusted - 1` proxies from the right are
        # proxies; the next one to the left is the client (the leftmost there is, if fewer).
        return chain[max(len(chain) - 1 - trusted, 0)]
    for address in reversed(chain):
        if not _is_trusted(address, trusted):
            return address
    return chain[0]


def is_known(username: str) -> bool:
    """Whether a username is an account, looked up as the sign-in backend does (exactly)."""
    user_model = get_user_model()
    return user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists()


def _seconds() -> int:
    return int(settings.PEILI_LOGIN_LOCK_SECONDS)


def _spread() -> int:
    return int(settings.PEILI_LOGIN_MAX_FAILURES) * int(settings.PEILI_LOGIN_SPREAD_FACTOR)


def _user_limits(username: str, address: str) -> list[Limit]:
    return [
        Limit(throttle.key("login:pair", f"{username}|{address}"), int(settings.PEILI_LOGIN_MAX_FAILURES), _seconds()),
        Limit(throttle.key("login:user", username), _spread(), _seconds()),
    ]


def _address_limit(address: str) -> Limit:
    return Limit(throttle.key("login:unknown", address), _spread(), _seconds())


def user_locked_until(username: str, address: str, *, now: float) -> float | None:
    """Until when this username is refused from this address by its own failures."""
    return throttle.locked_until([limit.key for limit in _user_limits(username, address)], now=now)


def address_locked_until(address: str, *, now: float) -> float | None:
    """Until when usernames that are no account are refused from this address."""
    return throttle.locked_until([_address_limit(address).key], now=now)


def register_failure(username: str, address: str, *, known: bool, now: float) -> None:
    """Count a failed sign-in: against the username (from this address, and anywhere), and — when
    the username is no account — against the address."""
    limits = _user_limits(username, address)
    if not known:
        limits.append(_address_limit(address))
    throttle.hit(limits, now=now)


def reset(username: str, address: str) -> None:
    """A successful sign-in clears its own username's counts (not the address's: a sprayer who
    guesses one account right should not be given a fresh allowance for the rest)."""
    throttle.clear([limit.key for limit in _user_limits(username, address)])
