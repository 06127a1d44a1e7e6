import base64
import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class RobotServer:
    """A group-chat robot on loopback: answers as scripted, checks DingTalk signatures."""

    def __init__(self, answers, secret=""):
        self.answers = list(answers)  # HTTP status per request; 200 answers errcode 0
        self.secret = secret
        self.received = []  # JSON bodies of requests answered 200
        self.requests = 0
        self.bad_signatures = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests += 1
                if server.secret and not server.signature_ok(self.path):
                    server.bad_signatures += 1
                    return self.answer(200, {"errcode": 310000, "errmsg": "sign not match"})
                status = server.answers.pop(0) if server.answers else 200
                if status == 200:
                    server.received.append(body)
                    return self.answer(200, {"errcode": 0, "errmsg": "ok"})
                return self.answer(status, {"errcode": -1, "errmsg": "busy"})

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/robot/send?access_token=t0k"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def signature_ok(self, path):
        """DingTalk's rule: sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
        timestamp, sign = query.get("timestamp", ""), query.get("sign", "")
        if not timestamp.isdigit():
            return False
        age = abs(datetime.datetime.now().timestamp() * 1000 - int(timestamp))
        expected = base64.b64encode(
            hmac.new(
                self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        return age < 3600 * 1000 and hmac.compare_digest(sign, expected)


@pytest.fixture
def robot_server():
    servers = []

    def start(answers=(), secret=""):
        server = RobotServer(answers, secret)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()
