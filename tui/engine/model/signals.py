"""The fold of the signals the script sends (``os.kill``, ``os.killpg``, ``signal.pthread_kill``, ``Process.terminate``
and ``kill``, ``subprocess.Popen``'s): who sent which to whom, and when, in time order."""

from __future__ import annotations

from bisect import insort

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.detail import add_mark
from tui.engine.model.records import Mark, MarkKind, Part, SignalRecord
from tui.inside import kinds as ev


class SignalFold(ModelCore):
    @handles(ev.SIGNAL_SEND)
    def _signal_send(self, t: int, pid: int, tid: int, f: Fields) -> None:
        sender = self._thread(pid, tid, t)
        record = SignalRecord(t, sender.key, int(f["child"]), int(f["signal"]), str(f.get("call") or "os.kill"))
        # batches of different processes arrive out of order: the list stays in time order
        insort(self.signals, record, key=lambda r: r.t)
        # Drawn from sender to receiver: a mark on each lane. The receiver's own events may not have come yet (a
        # child terminated as it starts): its lane is made now. A pid that is not the run's (the reaper's, or any
        # other) has none. Marks are appended whatever their time: views copy them incrementally and sort the times.
        detail = str(record.signal)
        add_mark(self._lane(*sender.key), Mark(t, MarkKind.SIGNAL_SENT, detail))
        if record.target in self.processes:
            add_mark(self._lane(record.target, record.target), Mark(t, MarkKind.SIGNAL_RECEIVED, detail))
        self.touch(Part.TIMELINE, Part.PROCESSES)

    def signals_to(self, pid: int) -> list[SignalRecord]:
        """Signals sent to this process (``os.kill(pid, ...)``, ``terminate()``), in time order."""
        return [s for s in self.signals if s.target == pid]

    def signals_from(self, pid: int) -> list[SignalRecord]:
        """Signals this process sent, in time order."""
        return [s for s in self.signals if s.sender[0] == pid]
