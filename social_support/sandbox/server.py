"""The sandbox HTTP server: one loopback server that answers the X API v2, the Graph API and the
WhatsApp Cloud API (on the Graph host, for its own phone numbers, business accounts and media).

Requests under ``/2/`` (and ``/oauth2/``) go to :class:`~.x_api.XApi`; requests under
``/vNN.0/`` go to :class:`~.graph_api.GraphApi`; ``/_sandbox/...`` is the control API
(used by the bench demo command, which runs the server in another process).

Fault injection: :meth:`Sandbox.inject` queues a fault for the next N requests whose
method and path match; the platform module renders it in its own error shape.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .graph_api import GraphApi
from .whatsapp_api import WhatsAppApi
from .wire import FAULT_KINDS, Fault, Request, Response
from .x_api import XApi


class Sandbox:
	"""State of both emulated platforms plus the HTTP server around them."""

	def __init__(self, host: str = "127.0.0.1", port: int = 0):
		self.lock = threading.RLock()
		self.x = XApi(self)
		self.graph = GraphApi(self)
		self.whatsapp = WhatsAppApi(self)
		self.faults: list[Fault] = []
		self.requests: list[Request] = []  # every request seen, for tests to inspect
		# the media host: name -> (bytes, content type, required Authorization or None, redirect or None)
		self.media_files: dict[str, tuple[bytes, str, str | None, str | None]] = {}
		self._media_ids = 0
		self._httpd = _QuietServer((host, port), _make_handler(self))
		self._httpd.daemon_threads = True
		self._thread: threading.Thread | None = None

	# --- lifecycle -------------------------------------------------------------------------
	@property
	def url(self) -> str:
		host, port = self._httpd.server_address[:2]
		return f"http://{host}:{port}"

	def start(self) -> Sandbox:
		self._thread = threading.Thread(target=self._httpd.serve_forever, name="sandbox", daemon=True)
		self._thread.start()
		return self

	def serve_forever(self) -> None:
		self._httpd.serve_forever()

	def stop(self) -> None:
		self._httpd.shutdown()
		self._httpd.server_close()

	def __enter__(self) -> Sandbox:
		return self.start()

	def __exit__(self, *exc) -> None:
		self.stop()

	# --- media host ------------------------------------------------------------------------
	def host_media(
		self,
		data: bytes,
		content_type: str,
		name: str | None = None,
		*,
		auth: str | None = None,
		redirect_to: str | None = None,
	) -> str:
		"""Serve ``data`` on the media host (``/_media/<name>`` on this server) and return its URL.

		``auth``: the Authorization header a download must carry (``Bearer <token>``, or ``OAuth``
		for an OAuth 1 signed request, as X's DM media on ton.twitter.com), else 401.
		``redirect_to``: answer with a 302 to that URL instead of the bytes.
		"""
		with self.lock:
			if name is None:
				self._media_ids += 1
				name = f"m{self._media_ids}"
			self.media_files[name] = (data, content_type, auth, redirect_to)
			return f"{self.url}/_media/{name}"

	def _serve_media(self, req: Request) -> Response:
		name = req.path[len("/_media/") :]
		with self.lock:
			found = self.media_files.get(name)
		if found is None:
			return Response(404, b"not found", {"Content-Type": "text/plain"})
		data, ctype, auth, redirect_to = found
		if auth is not None:
			given = req.headers.get("authorization", "")
			ok = given.startswith("OAuth ") if auth == "OAuth" else given == auth
			if not ok:
				return Response(401, b"unauthorized", {"Content-Type": "text/plain"})
		if redirect_to:
			return Response(302, b"", {"Location": redirect_to, "Content-Type": "text/plain"})
		return Response(200, data, {"Content-Type": ctype})

	# --- faults ----------------------------------------------------------------------------
	def inject(
		self, kind: str, path: str = ".*", method: str | None = None, count: int = 1, **params
	) -> None:
		"""Make the next ``count`` matching requests fail with ``kind``.

		kinds: rate_limit (params: reset_in seconds), server_error (status), timeout
		(delay seconds, then a 504), expired_token, outside_window, drop_after (the request is
		carried out, then the connection is closed without an answer: the client cannot know
		whether it succeeded), slow (wait ``delay`` seconds, then carry the request out and answer
		normally: a send still in flight while another worker looks). ``skip=N``: the first N matching
		requests pass untouched (the second call of a two-call send fails).
		"""
		if kind not in FAULT_KINDS:
			raise ValueError(f"unknown fault {kind!r}; expected one of {FAULT_KINDS}")
		with self.lock:
			self.faults.append(Fault(kind, method, re.compile(path), count, params))

	def clear_faults(self) -> None:
		with self.lock:
			self.faults.clear()

	def _take_fault(self, req: Request) -> Fault | None:
		with self.lock:
			for f in self.faults:
				if f.matches(req):
					if int(f.params.get("skip") or 0) > 0:  # let the first ``skip`` matching requests through
						f.params["skip"] = int(f.params["skip"]) - 1
						continue
					f.remaining -= 1
					return f
		return None

	def requests_to(self, path_regex: str, method: str | None = None) -> list[Request]:
		pat = re.compile(path_regex)
		with self.lock:
			return [r for r in self.requests if pat.search(r.path) and (method is None or r.method == method)]

	# --- dispatch --------------------------------------------------------------------------
	def api_for(self, path: str):
		if path.startswith("/2/") or path.startswith("/oauth2/"):
			return self.x
		wa = re.match(r"^/v\d+\.\d+/([0-9]+)(?:/|$)", path)
		if wa and self.whatsapp.owns(wa.group(1)):
			return self.whatsapp  # the Cloud API shares the Graph host: its own numbers, accounts, media
		if (
			re.match(r"^/v\d+\.\d+/", path)
			or path.startswith("/oauth/")
			or path in ("/access_token", "/refresh_access_token")  # Instagram Login tokens
		):
			return self.graph
		return None

	def handle(self, req: Request) -> Response | None:
		"""Answer a request; None means: close the connection without an answer."""
		if req.path.startswith("/_sandbox/"):
			return self._control(req)
		with self.lock:
			self.requests.append(req)
		if req.path.startswith("/_media/whatsapp/") and req.method == "GET":
			return self.whatsapp.handle(req)  # WhatsApp media: the bearer token is checked there
		if req.path.startswith("/_media/") and req.method == "GET":
			return self._serve_media(req)
		api = self.api_for(req.path)
		if api is None:
			return Response(404, {"error": f"no emulated API at {req.path}"})
		fault = self._take_fault(req)
		if fault is not None:
			if fault.kind == "timeout":
				time.sleep(float(fault.params.get("delay", 5)))
				return Response(504, {"error": "gateway timeout"})
			if fault.kind == "slow":
				time.sleep(float(fault.params.get("delay", 2)))
				return api.handle(req)
			if fault.kind == "drop_after":
				api.handle(req)
				return None
			return api.render_fault(fault.kind, fault.params)
		return api.handle(req)

	def _control(self, req: Request) -> Response:
		"""Control API for a sandbox running in another process (the demo command)."""
		action = req.path[len("/_sandbox/") :].strip("/")
		data = req.json() if req.body else {}
		if action == "health":
			return Response(200, {"ok": True})
		if action == "fault":
			self.inject(
				data.pop("kind"),
				data.pop("path", ".*"),
				data.pop("method", None),
				int(data.pop("count", 1)),
				**data,
			)
			return Response(200, {"ok": True})
		if action == "clear_faults":
			self.clear_faults()
			return Response(200, {"ok": True})
		api = {"x": self.x, "graph": self.graph, "whatsapp": self.whatsapp}.get(action.split("/")[0])
		if api is not None and "/" in action:
			return api.control(action.split("/", 1)[1], data)
		return Response(404, {"error": f"unknown control action {action}"})


class _QuietServer(ThreadingHTTPServer):
	def handle_error(self, request, client_address):
		# a client that hung up (a download stopped at its limit) is no emulator error

		if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
			super().handle_error(request, client_address)


def _make_handler(sandbox: Sandbox):
	class Handler(BaseHTTPRequestHandler):
		protocol_version = "HTTP/1.1"

		def log_message(self, format, *args):  # quiet: tests and the demo read state, not logs
			pass

		def _serve(self):
			parts = urlsplit(self.path)
			length = int(self.headers.get("Content-Length") or 0)
			body = self.rfile.read(length) if length else b""
			query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
			req = Request(
				self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body
			)
			try:
				resp = sandbox.handle(req)
			except Exception as e:  # an emulator bug must show, not hang the client
				resp = Response(500, {"error": f"sandbox error: {type(e).__name__}: {e}"})
			if resp is None:
				self.close_connection = True
				try:
					self.connection.shutdown(2)
				except OSError:
					pass
				return
			payload, ctype = resp.encode()
			self.send_response(resp.status)
			self.send_header("Content-Type", resp.headers.pop("Content-Type", ctype))
			for k, v in resp.headers.items():
				self.send_header(k, v)
			self.send_header("Content-Length", str(len(payload)))
			self.end_headers()
			try:
				self.wfile.write(payload)
			except (BrokenPipeError, ConnectionResetError):
				pass  # the client stopped reading (a download over its limit): nothing to answer

		do_GET = do_POST = do_DELETE = do_PUT = _serve

	return Handler


def main(argv: list[str] | None = None) -> None:
	p = argparse.ArgumentParser(description="social_support sandbox: local X API v2 and Graph API emulator")
	p.add_argument("--host", default="127.0.0.1")
	p.add_argument("--port", type=int, default=8899)
	args = p.parse_args(argv)
	sb = Sandbox(args.host, args.port)
	print(f"sandbox listening on {sb.url}", flush=True)
	try:
		sb.serve_forever()
	except KeyboardInterrupt:
		pass


if __name__ == "__main__":
	main()
