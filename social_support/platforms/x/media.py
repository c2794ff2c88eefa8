"""How X serves media: photos and videos on pbs.twimg.com / video.twimg.com are public; Direct
Message media on ton.twitter.com is only served to a request signed with the account's OAuth 1
token (so is the sandbox's, which is the channel's own API host)."""

from __future__ import annotations

from tweepy import OAuth1UserHandler

from ..base import Media, url_origin
from ..hosts import sandbox_origin
from ..media import MediaRequest

SIGNED_HOSTS = ("ton.twitter.com",)


def media_request(config, media: Media) -> MediaRequest:
	url = media.url or ""
	o = url_origin(url)
	signed = o is not None and (o[1] in SIGNED_HOSTS or o == sandbox_origin(config.api_base_url))
	creds = config.credentials
	if signed and creds.get("consumer_key") and creds.get("access_token"):
		auth = OAuth1UserHandler(
			creds.get("consumer_key"),
			creds.get("consumer_secret"),
			creds.get("access_token"),
			creds.get("access_token_secret"),
		).apply_auth()
		return MediaRequest(url, auth=auth)
	return MediaRequest(url)
