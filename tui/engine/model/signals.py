"""The fold of the signals the script sends (``os.kill``, ``os.killpg``, ``signal.pthread_kill``, ``Process.terminate``
and ``kill``, ``subprocess.Popen``'s): who sent which to whom, and when, in time order."""

from __future__ import annotations

from bisect import insort

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.records import Mark, MarkKind, Part, SignalRecord
from tui.inside import kinds as ev


class SignalFold(ModelCore):
    @handles(ev.SIGNAL_SEND)
    def _signal_send(self, t: int, pid: int, tid: int, f: Fields) -> None:
        sender = self._thread(pid, tid, t)
        record = SignalRecord(t, sender.key, int(f["child"]), int(f["signal"]), str(f.get("call") or "os.kill"))
        # batches of different processes arrive out of order: the list stays in time order
        insort(self.signals, record, key=lambda r: r.t)
        # drawn from sender to receiver: a mark on each lane (a receiver the run does not trace has no lane); marks
        # are appended, as every lane's are, whatever their order: views copy them incrementally and sort the times
        for key, kind in ((sender.key, MarkKind.SIGNAL_SENT), ((record.target, record.target), MarkKind.SIGNAL_RECEIVED)):
            lane = self.lanes.get(key)
            if lane is not None:
                lane.marks.append(Mark(t, kind, str(record.signal)))
        self.touch(Part.TIMELINE, Part.PROCESSES)

    def signals_to(self, pid: int) -> list[SignalRecord]:
        """Signals sent to this process (``os.kill(pid, ...)``, ``terminate()``), in time order."""
        return [s for s in self.signals if s.target == pid]

    def signals_from(self, pid: int) -> list[SignalRecord]:
        """Signals this process sent, in time order."""
        return [s for s in self.signals if s.sender[0] == pid]
