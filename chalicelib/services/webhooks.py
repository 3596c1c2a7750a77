"""Webhooks of call-centre service accounts (the hand-back to 12345, API.md "Hand-back to
12345 (回传)"): registering one (only for a service account, to a URL the SSRF guard lets
through), and checking a URL again before each send."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterable
from typing import Any

from chalicelib.config import settings
from chalicelib.domain import webhooks as rules
from chalicelib.domain.models import User
from chalicelib.errors import NotFound
from chalicelib.store import users as user_store
from chalicelib.store import webhooks as store


class NotServiceAccount(Exception):
    """The user named is a person, not a call-centre system: it takes no webhooks."""


class UnknownAccount(Exception):
    """No active user has this username."""


def resolve(host: str, port: int) -> Iterable[str]:
    """Every address ``host`` resolves to now (IPv4 and IPv6)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


def check(url: str) -> rules.Target:
    """The URL checked by the SSRF guard against the addresses it resolves to now (raises
    ``rules.UnsafeUrl``): at registration and before every send."""
    return rules.check_url(url, resolve, settings().is_local)


def register(user: User, username: str, url: str, secret: str) -> dict[str, Any]:
    """A new webhook for ``username`` (a service account), its URL checked now."""
    try:
        account = user_store.by_username(username)
    except NotFound:
        raise UnknownAccount(username) from None
    if not account.get("active", True):
        raise UnknownAccount(username)
    if not account.get("service_account"):
        raise NotServiceAccount(username)
    check(url)
    data = {
        "id": "wh-" + secrets.token_hex(6),
        "username": username,
        "url": url,
        "secret": secret,
    }
    return store.create(data, user.actor())
