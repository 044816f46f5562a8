"""The fold of step mode: which threads are held, at what action and on which line, since when."""

from __future__ import annotations

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.records import Hold, Part, ThreadNode
from tui.inside import kinds as ev


class StepFold(ModelCore):
    @handles(ev.HOLD)
    def _hold(self, t: int, pid: int, tid: int, f: Fields) -> None:
        th = self._thread(pid, tid, t)
        if f["phase"] == "begin":
            until = f.get("until")
            th.held = Hold(t, str(f["action"]), str(f.get("what", "")), str(f.get("site", "")),
                           int(until) if until is not None else None)
        else:
            th.held = None
        self.touch(Part.PROCESSES)

    def held(self) -> list[ThreadNode]:
        """The threads held now, the one held longest first (the one a step lets go unless the teacher picks)."""
        found = [th for p in self.processes.values() for th in p.threads.values()
                 if th.held is not None and th.alive]
        return sorted(found, key=lambda th: th.held.t)  # type: ignore[union-attr]
