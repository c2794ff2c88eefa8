# Placeholder until the emulator lands: answers 501 to everything.
from .server import Response


class XApi:
	def __init__(self, sandbox):
		self.sandbox = sandbox

	def handle(self, req):
		return Response(501, {"error": "not emulated yet"})

	def render_fault(self, kind, params):
		return Response(500, {"error": kind})

	def control(self, action, data):
		return Response(404, {"error": action})
