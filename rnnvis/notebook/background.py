"""The notebook's server: the API and the page served by waitress from a background thread of
this process (the kernel), on 127.0.0.1; one per process, stopped when the process exits."""

from __future__ import annotations

import atexit
import errno
import socket
import threading
from dataclasses import dataclass, field

from ..params import Param

__all__ = ["Background", "start", "stop", "running", "PORT"]

HOST = "127.0.0.1"
PORT = Param("port", "int", None, min=1, max=65535,
             help="the port to serve on (default: a free one); a taken port is replaced by a free one")
_LOCK = threading.Lock()
_RUNNING: "Background | None" = None


@dataclass
class Background:
    """A running server: waitress's server and socket map, the thread that serves them."""

    server: object
    sockets: dict
    port: int
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL of the page, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{HOST}:{self.port}"

    def serve(self) -> None:
        """Serve until :meth:`stop`; then close every socket in this thread (the one using them)."""
        from waitress import wasyncore

        try:
            while not self.stopping.is_set() and self.sockets:
                wasyncore.loop(timeout=1.0, map=self.sockets, count=1)
        finally:
            wasyncore.close_all(self.sockets, ignore_all=True)
            self.server.task_dispatcher.shutdown(timeout=2)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the serving thread to close the server, wake it, and wait for it."""
        self.stopping.set()
        try:
            self.server.pull_trigger()
        except OSError:   # already closed
            pass
        if self.thread is not None:
            self.thread.join(timeout)


def _listen(port: int | None) -> socket.socket:
    """A socket bound to ``port`` on 127.0.0.1, or to a free port if that one is taken (or None)."""
    for wish in ((port, 0) if port else (0,)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, wish))
            return sock
        except OSError as exc:
            sock.close()
            if wish == 0 or exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                raise
    raise AssertionError("unreachable")


def start(port: int | None = None) -> Background:
    """The server of this process, started on first use (``port`` is a wish for that first
    start: a taken port is replaced by a free one)."""
    global _RUNNING
    port = PORT.check(port)
    with _LOCK:
        if _RUNNING is None or not _RUNNING.thread.is_alive():
            from server import create_app

            import waitress

            sockets: dict = {}
            # word clouds are laid out in this process: no worker processes to outlive a kernel
            listening = _listen(port)
            server = waitress.create_server(create_app({"PARALLEL_LAYOUTS": False}), map=sockets,
                                            sockets=[listening], threads=4, ident="rnnvis")
            bg = Background(server, sockets, listening.getsockname()[1])
            bg.thread = threading.Thread(target=bg.serve, name="rnnvis-server", daemon=True)
            bg.thread.start()
            _RUNNING = bg
        return _RUNNING


def running() -> Background | None:
    """The running server, if any."""
    return _RUNNING if _RUNNING is not None and _RUNNING.thread.is_alive() else None


@atexit.register
def stop() -> None:
    """Stop the server (at the latest when the process, e.g. the kernel, exits)."""
    global _RUNNING
    with _LOCK:
        if _RUNNING is not None:
            _RUNNING.stop()
            _RUNNING = None
