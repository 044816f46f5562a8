"""What the status line says: the run's phase (ready, starting, running, frozen, exited ...), its clock, the target,
speed and language, worked out from the model and what the app knows of the run. Pure: testable without a screen."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from tui.engine.catalog import Target
from tui.engine.model import Model, ThreadNode


class Phase(StrEnum):
    READY = "ready"
    STARTING = "starting"
    RUNNING = "running"
    STEPPING = "stepping"
    FROZEN = "frozen"
    STOPPING = "stopping"
    STOPPED = "stopped"
    EXITED = "exited"
    FAILED = "failed"
    REPLAY = "replay"


class Action(StrEnum):
    """A control action on the run that takes a moment (the status line says so while it lasts)."""

    START = "start"
    STOP = "stop"
    SWITCH = "switch"


@dataclass(frozen=True)
class RunState:
    """The run's state as the pump last saw it: the screen reads this, never the run itself."""

    running: bool = False
    frozen: bool = False
    stepping: bool = False


@dataclass(frozen=True)
class StatusInfo:
    label: str = ""  # "10 ticket_lock", or a script's file name
    title: str = ""  # the scenario's title, in the narration's language
    phase: Phase = Phase.READY
    code: int | None = None  # the main process's exit code once the run has ended
    seconds: float = 0.0  # run time so far, from the model's clock
    speed: float = 1.0  # sleeps are divided by this, in the run going now and the next ones
    lang: str = "en"
    projector: bool = False
    dropped: int = 0  # malformed frames dropped from the run's event pipe
    lost: bool = False  # the run's reaper was killed: contui ended the run
    unrecorded: str = ""  # why the run is not recorded (its recording could not be written)
    next_step: str = ""  # in step mode: who a step lets go, and to do what ("Process-3 → acquire mutex, line 65")
    cursor: str = ""  # looking back (a replay, or scrubbing): where the cursor is ("2.0 s of 3.2 s")
    followers: int | None = None  # browsers following the run (contui --share); None: not shared

    def only_clock_moved(self, before: StatusInfo | None) -> bool:
        """Nothing but the run's clock differs from ``before``."""
        return before is not None and replace(self, seconds=before.seconds) == before


def phase_of(*, shown_is_run: bool, busy: Action | None, replay: bool, state: RunState, stopped_by_user: bool,
             model: Model) -> Phase:
    """``shown_is_run``: the panes show the session's run (its target is the picked one)."""
    if busy is not None:
        return Phase.STARTING if busy is Action.START else Phase.STOPPING
    if not shown_is_run:
        return Phase.READY
    if replay:
        return Phase.REPLAY
    if state.frozen:
        return Phase.FROZEN
    if state.running and state.stepping:
        return Phase.STEPPING
    if state.running:
        return Phase.RUNNING
    if stopped_by_user:
        return Phase.STOPPED
    if model.run.ended or model.run.code is not None:
        return Phase.EXITED if model.run.code == 0 else Phase.FAILED
    return Phase.READY


def status_info(target: Target, model: Model, phase: Phase, *, shown_is_run: bool, clock_seconds: float,
                speed: float, lang: str, projector: bool, highlighted: int | None = None,
                cursor: str = "", followers: int | None = None) -> StatusInfo:
    """``clock_seconds``: the live clock in whole ticks (a tenth-of-a-second counter would repaint the status line
    ten times a second while the run only sleeps); a finished run shows its length to a tenth."""
    if not shown_is_run:
        seconds = 0.0
    elif phase in (Phase.RUNNING, Phase.FROZEN, Phase.STEPPING):
        seconds = clock_seconds
    else:
        seconds = round(model.now / 1e9, 1)
    return StatusInfo(
        label=target_label(target),
        title=target_title(target, lang),
        phase=phase,
        code=model.run.code if shown_is_run else None,
        seconds=seconds,
        speed=speed,
        lang=lang,
        projector=projector,
        dropped=model.run.dropped if shown_is_run else 0,
        lost=model.run.lost and shown_is_run,
        unrecorded=model.run.unrecorded if shown_is_run else "",
        next_step=next_step(model, highlighted) if phase is Phase.STEPPING else "",
        cursor=cursor if shown_is_run else "",
        followers=followers,
    )


def highlighted_thread(model: Model, tid: int | None) -> ThreadNode | None:
    """The held thread a step lets go: ``tid`` if it is held, else the one held longest."""
    held = model.held()
    return next((th for th in held if th.tid == tid), held[0] if held else None)


def held_lines(model: Model, target: Target, tid: int | None) -> tuple[int, ...]:
    """The lines of ``target``'s file the Code pane marks: in step mode where the held threads are, the highlighted
    one's first; after a deadlock, where each thread of the cycle waits and where it took the lock it holds."""
    first = highlighted_thread(model, tid)
    sites = [th.held.site for th in ([first] if first is not None else []) + model.held() if th.held is not None]
    if model.deadlocks:
        for member in model.deadlocks[-1].members:
            sites += [member.waits_at, member.taken_at]
    lines: list[int] = []
    for site in sites:
        file, _, line = (site or "").rpartition(":")
        if file == target.path.name and line.isdigit() and int(line) not in lines:
            lines.append(int(line))
    return tuple(lines)


def hold_words(th: ThreadNode, model: Model | None = None) -> str:
    """``acquire mutex, line 65``: what a held thread does next, and on which line (a lock or queue by the name the
    script gave it, when ``model`` knows it)."""
    hold = th.held
    if hold is None:
        return ""
    line = hold.site.rpartition(":")[2]
    named = _script_name(model, hold.what) if model is not None else None
    what = f" {named or hold.what}" if hold.what else ""
    return f"{hold.action}{what}, line {line}" if line else f"{hold.action}{what}"


def _script_name(model: Model, oid: str) -> str | None:
    """The name the script gave the lock, condition, event, queue or pipe end with this id, if any."""
    found = model.primitive(oid) or model.queues.get(oid)
    if found is not None:
        return found.name
    pipe_end = model.pipe_end(oid)
    if pipe_end is not None:
        pipe, end = pipe_end
        return end.name or pipe.name
    return None


def next_step(model: Model, tid: int | None) -> str:
    th = highlighted_thread(model, tid)
    if th is None:
        return "nothing held yet"
    p = model.process(th.pid)
    who = (p.name if p is not None else str(th.pid)) if th.tid == th.pid else th.name
    return f"{who} → {hold_words(th, model)}"


def target_label(target: Target) -> str:
    scenario = target.scenario
    return target.path.name if scenario is None else f"{scenario.number} {scenario.id}"


def target_title(target: Target, lang: str) -> str:
    scenario = target.scenario
    if scenario is None:
        return ""
    return scenario.title_zh if lang == "zh" and scenario.title_zh else scenario.title_en


def picker_word(info: StatusInfo) -> str:
    """The short state the scenario list shows beside the loaded target."""
    return {Phase.RUNNING: "running", Phase.STEPPING: "stepping", Phase.FROZEN: "frozen", Phase.STARTING: "…",
            Phase.STOPPING: "…"}.get(
        info.phase, "")
