"""Where a channel's tokens may be sent: the platforms' own API hosts, or this machine (the sandbox).

A channel's ``api_base_url`` decides the host every API call (and so every token) goes to.
:func:`base_url_problem` says why a base URL is not acceptable; the clients check every
request against the origin of their base URL (:func:`origin`) and never follow a redirect.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .base import FACEBOOK, INSTAGRAM, WHATSAPP, Origin, X, url_origin

OFFICIAL_API_HOSTS: dict[str, tuple[str, ...]] = {
	X: ("api.x.com", "api.twitter.com", "upload.twitter.com"),
	FACEBOOK: ("graph.facebook.com", "b-graph.facebook.com", "rupload.facebook.com"),
	INSTAGRAM: ("graph.instagram.com", "graph.facebook.com", "rupload.facebook.com"),
	WHATSAPP: ("graph.facebook.com",),
}
LOOPBACK_NAMES = ("localhost",)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str | None) -> bool:
	"""127.0.0.0/8, ::1 or ``localhost`` (written as such, not a name that merely resolves there)."""
	if not host:
		return False
	host = host.lower()
	if host in LOOPBACK_NAMES:
		return True
	try:
		return ipaddress.ip_address(host).is_loopback
	except ValueError:
		return False


def origin(url: str | None) -> Origin | None:
	"""(scheme, host, port) of a URL, the default port filled in; None when it has no host."""
	return url_origin(url)


def sandbox_origin(api_base_url: str | None) -> Origin | None:
	"""The origin of a channel's API base URL when it is this machine (the sandbox), else None.

	Only then do the sandbox's media URLs (``base.SANDBOX_MEDIA_PATH`` on that origin) count as the
	channel's media: a channel on the official hosts accepts media from the platform's media hosts
	only, and never from this machine.
	"""
	o = url_origin(api_base_url)
	return o if o is not None and is_loopback(o[1]) else None


def base_url_problem(url: str, platform: str, *, allow_any_host: bool = False) -> str | None:
	"""Why ``url`` may not be a channel's API base URL (a sentence), or None when it may.

	Accepted: https on one of the platform's official API hosts, or http(s) on a loopback address
	(the sandbox). ``allow_any_host`` (a site's explicit choice) accepts any http(s) host. Never
	credentials, a query or a fragment in the URL.
	"""
	try:
		parts = urlsplit(url)
		_ = parts.port  # raises on a malformed port
	except ValueError:
		return "it is not a valid URL"
	scheme = parts.scheme.lower()
	if scheme not in _DEFAULT_PORTS or not parts.hostname:
		return "it must start with http:// or https:// and name a host"
	if parts.username is not None or parts.password is not None or "@" in parts.netloc:
		return "it must not contain a user name or password"
	if parts.query or parts.fragment:
		return "it must not contain a query or a fragment"
	host = parts.hostname.lower()
	if allow_any_host or is_loopback(host):
		return None
	official = OFFICIAL_API_HOSTS.get(platform, ())
	if host not in official:
		return "{} is not an official {} API host ({}) nor this machine (localhost, 127.0.0.1, ::1)".format(
			host, platform, ", ".join(official)
		)
	if scheme != "https":
		return "the official API hosts are only reached over https"
	return None
