"""The in-process hub: who in this process listens to which workshop.

A listener is one open SSE stream. Events carry names only; a listener keeps
a set of pending names, so a burst of changes becomes one event per name.
"""
from __future__ import annotations

import threading
from collections import defaultdict


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
        self._lock = threading.Lock()

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

    def watched(self) -> list[int]:
        with self._lock:
            return list(self._listeners)

    def count(self) -> int:
        with self._lock:
            return sum(len(v) for v in self._listeners.values())

    def deliver(self, workshop_id: int, names: set[str]) -> None:
        with self._lock:
            listeners = list(self._listeners.get(workshop_id, ()))
        for listener in listeners:
            listener.offer(names)
