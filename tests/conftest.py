import pytest

from social_support.sandbox.server import Sandbox


@pytest.fixture()
def sandbox():
	"""A fresh sandbox (X API v2 + Graph API emulator) on a free loopback port."""
	sb = Sandbox().start()
	try:
		yield sb
	finally:
		sb.stop()
