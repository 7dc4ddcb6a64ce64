"""How long-running commands (``flask outbox work``, ``flask mail fetch``) learn to stop."""

from __future__ import annotations

import signal


class StopSignal:
    """SIGTERM or SIGINT asks the command to finish what it is doing and stop; ``stopping``
    says whether that happened. Installed when made (in the main thread)."""

    def __init__(self) -> None:
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)

    def _stop(self, signum, frame) -> None:
        self.stopping = True
