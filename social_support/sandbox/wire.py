"""What travels between a client and the sandbox: the request, the response, and a fault that replaces one.

The server builds a :class:`Request` from each HTTP call and writes back the :class:`Response` that
the emulated platform (``x_api``, ``graph_api``) returns; a queued :class:`Fault` makes the platform
answer in its own error shape instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

FAULT_KINDS = (
	"rate_limit",
	"server_error",
	"timeout",
	"expired_token",
	"outside_window",
	"drop_after",
	"slow",
)


@dataclass
class Request:
	method: str
	path: str
	query: dict[str, str]
	headers: dict[str, str]  # lower-cased names
	body: bytes

	def json(self) -> Any:
		if not self.body:
			return {}
		return json.loads(self.body)

	def multipart(self) -> tuple[dict[str, str], dict[str, tuple[str | None, str, bytes]]]:
		"""A multipart/form-data body: (fields, files by name as (file name, content type, bytes))."""
		ctype = self.headers.get("content-type", "")
		msg = message_from_bytes(f"Content-Type: {ctype}\r\n\r\n".encode() + self.body, policy=HTTP)
		fields, files = {}, {}
		for part in msg.iter_parts() if msg.is_multipart() else []:
			name = part.get_param("name", header="content-disposition")
			if not name:
				continue
			data = part.get_payload(decode=True) or b""
			if part.get_filename() is not None:
				files[name] = (part.get_filename(), part.get_content_type(), data)
			else:
				fields[name] = data.decode("utf-8")
		return fields, files

	def form(self) -> dict[str, str]:
		"""Form or JSON body as a flat dict (facebook-sdk posts form data)."""
		ctype = self.headers.get("content-type", "")
		if ctype.startswith("multipart/form-data"):
			return self.multipart()[0]
		if "json" in ctype:
			data = self.json()
			return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
		return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}

	def params(self) -> dict[str, str]:
		"""Query string and form body merged (Graph accepts parameters in either)."""
		merged = dict(self.query)
		if self.method in ("POST", "DELETE") and self.body:
			merged.update(self.form())
		return merged


@dataclass
class Response:
	status: int = 200
	body: Any = None  # dict/list -> JSON; str/bytes -> as is
	headers: dict[str, str] = field(default_factory=dict)

	def encode(self) -> tuple[bytes, str]:
		if isinstance(self.body, bytes):
			return self.body, self.headers.get("Content-Type", "application/octet-stream")
		if isinstance(self.body, str):
			return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
		return json.dumps(self.body if self.body is not None else {}).encode(), "application/json"


@dataclass
class Fault:
	kind: str
	method: str | None  # None = any
	path_pattern: re.Pattern
	remaining: int
	params: dict[str, Any]

	def matches(self, req: Request) -> bool:
		if self.remaining <= 0:
			return False
		if self.method and self.method != req.method:
			return False
		return bool(self.path_pattern.search(req.path))
