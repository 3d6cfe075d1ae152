"""A hostile HTTP server on 127.0.0.1 that answers with a header block of a chosen size, or one
that never ends: the status line, then short header lines for as long as the client reads
(at most ``FLOOD_LIMIT`` bytes, so a test against unbounded code ends, just with a large RSS).
With ``tls=True`` it speaks HTTPS (a self-signed certificate made for the run), where a client
that only closes politely goes on reading: the flood then shows in ``flood_bytes_sent``.

    /flood           endless header lines
    /headers/<n>     ``n`` header lines of about 1 KiB each, then an HTML page
    /cited.pdf       a real PDF document
    /slow            404 after ``SLOW_SECONDS`` (keeps a client busy while the flood is watched)
    anything else    404
"""

from __future__ import annotations

import datetime
import socket
import ssl
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pipeline.replicas.pdf import make_pdf
from tests.helpers import accepted_connections

FLOOD_LIMIT = 1 << 30
SLOW_SECONDS = 3.0
HEADER_LINE = b"X-Padding-%07d: " + b"a" * 1000 + b"\r\n"  # 1,022 bytes on the wire
PAGE = (
    b"<html><head><title>Participatory budget</title></head><body><main><h1>Participatory "
    b"budget</h1><p>The city council approved a participatory budget that gives each district "
    b"a share of the public works money.</p></main></body></html>"
)
CITED_TITLE = "Cuaderno de buenas practicas urbanas"


def self_signed_context() -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(cert_file, key_file)
    return context


class HeaderFloodServer:
    def __init__(self, *, tls: bool = False) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._tls = self_signed_context() if tls else None
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._socket.getsockname()[1]}"
        self.flood_bytes_sent = 0
        self.requests = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> HeaderFloodServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.close()

    def _accept(self) -> None:
        for connection in accepted_connections(self._socket):
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, accepted: socket.socket) -> None:
        try:
            connection = accepted
            if self._tls is not None:
                connection = self._tls.wrap_socket(accepted, server_side=True)
            with connection:
                self._answer_request(connection)
        except (OSError, ValueError):  # the client hung up: what a bounded client does
            return
        finally:
            accepted.close()

    def _answer_request(self, connection: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 65536:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        target = request.split(b" ", 2)[1]
        with self._lock:
            self.requests += 1
        path = urlsplit(target.decode("latin-1")).path
        if path == "/flood":
            self._flood(connection)
        elif path.startswith("/headers/"):
            self._answer(connection, PAGE, b"text/html", int(path.rsplit("/", 1)[1]))
        elif path == "/cited.pdf":
            self._answer(connection, make_pdf(CITED_TITLE), b"application/pdf", 0)
        else:
            if path == "/slow":
                time.sleep(SLOW_SECONDS)
            connection.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )

    def _flood(self, connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        block = b"".join(HEADER_LINE % number for number in range(64))
        while self.flood_bytes_sent < FLOOD_LIMIT:
            connection.sendall(block)
            with self._lock:
                self.flood_bytes_sent += len(block)

    @staticmethod
    def _answer(connection: socket.socket, body: bytes, kind: bytes, lines: int) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\n"
        head += b"".join(HEADER_LINE % number for number in range(lines))
        head += b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        connection.sendall(head + body)
