"""Process-wide BLAS thread limits shared by concurrent fits."""

import threading
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController

__all__ = ["blas_threads"]

_THREADS = {"lock": threading.Lock(), "depth": 0, "limiter": None, "controller": None}


@contextmanager
def blas_threads(n_threads):
    """Limit BLAS threads while any fit runs (None = leave unchanged).

    The limit is process-wide, so concurrent fits share one: the first to enter sets
    it and the last to leave restores the original setting.
    """
    if n_threads is None:
        yield
        return
    state = _THREADS
    with state["lock"]:
        if state["depth"] == 0:
            if state["controller"] is None:
                state["controller"] = ThreadpoolController()
            state["limiter"] = state["controller"].limit(limits=int(n_threads), user_api="blas")
        state["depth"] += 1
    try:
        yield
    finally:
        with state["lock"]:
            state["depth"] -= 1
            if state["depth"] == 0:
                state["limiter"].restore_original_limits()
                state["limiter"] = None
