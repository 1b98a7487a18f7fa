"""The in-process hub: who in this process listens to which workshop.

A listener is one open SSE stream. Events carry names only; a listener keeps
a set of pending names, so a burst of changes becomes one event per name.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict

log = logging.getLogger(__name__)


class Listener:
    def __init__(self, workshop_id: int, names: frozenset[str] | None):
        self.workshop_id = workshop_id
        self.names = names  # None: every event
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._ready = threading.Event()

    def offer(self, names: set[str]) -> None:
        wanted = names if self.names is None else names & self.names
        if not wanted:
            return
        with self._lock:
            self._pending |= wanted
        self._ready.set()

    def wait(self, timeout: float) -> set[str]:
        """Names that arrived, or an empty set after timeout (time for a heartbeat)."""
        self._ready.wait(timeout)
        with self._lock:
            names, self._pending = self._pending, set()
            self._ready.clear()
        return names


class Hub:
    def __init__(self):
        self._listeners: dict[int, set[Listener]] = defaultdict(set)
        self._generations: dict[int, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.screens = ScreenCache()

    def subscribe(self, workshop_id: int, names=None) -> Listener:
        listener = Listener(workshop_id, frozenset(names) if names else None)
        with self._lock:
            self._listeners[workshop_id].add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        with self._lock:
            listeners = self._listeners.get(listener.workshop_id)
            if listeners is not None:
                listeners.discard(listener)
                if not listeners:
                    del self._listeners[listener.workshop_id]
                    self.screens.forget(listener.workshop_id)

    def watched(self) -> list[int]:
        with self._lock:
            return list(self._listeners)

    def count(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._listeners.values())

    def generation(self, workshop_id: int) -> int:
        """How many stage events this process has delivered for the workshop (it never goes down)."""
        with self._lock:
            return self._generations[workshop_id]

    def deliver(self, workshop_id: int, names: set[str]) -> None:
        with self._lock:
            listeners = list(self._listeners.get(workshop_id, ()))
            if "stage" in names and listeners:
                # Counted BEFORE any listener wakes: a listener that hears this event
                # reads this generation or a later one, never an earlier one.
                self._generations[workshop_id] += 1
        for listener in listeners:
            listener.offer(names)


class ScreenCache:
    """Shared phone screens, rendered once per (workshop, generation, group, locale) and process
    (and who fetches their own instead: the key "holders").

    The first stream that needs a screen renders it; the others wait for that
    render and send the same text. Only the newest generation of a workshop is
    kept: a render always starts after its generation's event was delivered, so
    it shows that change or a later one, never an earlier one. A render that
    fails, takes too long or is not shareable gives None: the stream then sends
    the name only and the phone fetches its own screen, as before.
    """

    WAIT_SECONDS = 5.0

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[int, dict]] = {}

    def get(self, workshop_id: int, generation: int, key, render):
        with self._lock:
            newest, screens = self._entries.get(workshop_id, (-1, {}))
            # A stream that heard generation g may use a render of a later one (it
            # shows that change or a newer state); a render of an earlier one, never.
            if generation > newest:
                newest, screens = generation, {}
                self._entries[workshop_id] = (newest, screens)
            entry = screens.get(key)
            mine = entry is None
            if mine:
                entry = screens[key] = _Screen()
        if mine:
            try:
                entry.screen = render()
            except Exception:  # the phones fall back to fetching their screen
                log.exception("rendering a shared phone screen failed")
            finally:
                entry.done.set()
        elif not entry.done.wait(self.WAIT_SECONDS):
            return None
        return entry.screen

    def forget(self, workshop_id: int) -> None:
        with self._lock:
            self._entries.pop(workshop_id, None)


class _Screen:
    __slots__ = ("done", "screen")

    def __init__(self):
        self.done = threading.Event()
        self.screen = None  # what render() gave (None: not shareable)
