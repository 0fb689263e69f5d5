"""rnnvis in notebooks: views inline (``show``), served by a background thread of the kernel."""

from .background import running, start, stop
from .embed import Frame, show, url

__all__ = ["show", "url", "Frame", "start", "stop", "running"]
