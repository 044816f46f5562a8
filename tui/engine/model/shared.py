"""The fold of shared memory (multiprocessing Value, Array, RawValue, RawArray: where each lives, its value as contui
last read it) and of managers (the server process, every proxy call the script made, who is in a call now)."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from tui.engine.model.core import Fields, ModelCore, handles
from tui.engine.model.records import UNKNOWN, Key, Part, State
from tui.inside import kinds as ev

RECENT_CALLS = 8  # the last calls kept per manager, for its card


@dataclass(slots=True)
class ValueState:
    id: str
    type: str = UNKNOWN  # "Value", "Array", "RawValue", "RawArray"
    typecode: str | None = None  # struct/ctypes code of one element ("i", "d", "c"); None for a Structure
    ctype: str | None = None  # the ctypes type of one element ("c_int")
    length: int | None = None  # an array's
    lock: str | None = None  # the id of its lock (in ``model.locks``), or None without one
    name: str | None = None
    site: str | None = None
    size: int = 0  # bytes
    created_by: int | None = None
    created_t: int = 0
    maps: dict[int, int] = field(default_factory=dict)  # pid -> the address where that process has (or had) it
    value: str | None = None  # the repr of what contui last read, None before its first read
    read_t: int | None = None
    read_from: int | None = None  # the pid whose memory it was read from
    reads: int = 0  # changes seen (a read that found the same value sends nothing)


@dataclass(slots=True)
class ManagerCall:
    t: int
    caller: Key
    object: str  # the referent's id in the server
    type: str  # its typeid ("dict", "list", "Lock", ...)
    method: str
    site: str | None = None
    t_end: int | None = None  # None while the caller waits for the server's answer
    error: str | None = None  # the exception the call raised, if any


@dataclass(slots=True)
class ManagedObject:
    id: str
    type: str
    calls: Counter[str] = field(default_factory=Counter)  # method -> how many calls


@dataclass(slots=True)
class ManagerState:
    id: str
    type: str = UNKNOWN  # "SyncManager", or the script's BaseManager subclass
    server: int | None = None  # the pid of its server process
    name: str | None = None
    site: str | None = None
    created_by: int | None = None
    objects: dict[str, ManagedObject] = field(default_factory=dict)  # in order of first call
    recent: deque[ManagerCall] = field(default_factory=lambda: deque(maxlen=RECENT_CALLS))
    in_call: dict[Key, ManagerCall] = field(default_factory=dict)  # threads waiting for the server's answer now
    calls: int = 0


class SharedFold(ModelCore):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, ValueState] = {}
        self.managers: dict[str, ManagerState] = {}

    # -- Value and Array --------------------------------------------------------------------------------------------
    def _value(self, f: Fields) -> ValueState:
        vid = f["value"]
        v = self.values.get(vid)
        if v is None:
            v = self.values[str(vid)] = ValueState(str(vid))
        return v

    @handles(ev.VALUE_NEW)
    def _value_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        v = self._value(f)
        v.type = f.get("type") or v.type
        v.typecode = f.get("typecode", v.typecode)
        v.ctype = f.get("ctype", v.ctype)
        v.length = f.get("length", v.length)
        v.lock = f.get("lock", v.lock)
        v.name = f.get("name", v.name)
        v.site = f.get("site", v.site)
        v.size = int(f.get("size", v.size))
        v.created_by = pid
        v.created_t = t
        v.maps[pid] = int(f["addr"])
        self.touch(Part.QUEUES)

    @handles(ev.VALUE_MAP)
    def _value_map(self, t: int, pid: int, tid: int, f: Fields) -> None:
        v = self._value(f)
        v.maps[pid] = int(f["addr"])
        if not v.size:
            v.size = int(f.get("size", 0))

    @handles(ev.VALUE_SAMPLE)
    def _value_sample(self, t: int, pid: int, tid: int, f: Fields) -> None:
        v = self._value(f)
        if v.read_t is not None and t < v.read_t:
            return  # an older read arriving late changes nothing
        v.value = str(f["repr"])
        v.read_t = t
        v.read_from = pid
        v.reads += 1
        self.touch(Part.QUEUES)

    def value_readers(self, v: ValueState) -> list[tuple[int, int]]:
        """(pid, address) of live processes that have ``v`` mapped, its maker first: those that said where (its
        maker, spawned children), then fork children of theirs started after it was made (same address)."""
        out: list[tuple[int, int]] = []
        for pid, addr in v.maps.items():
            p = self.processes.get(pid)
            if p is None or not p.ended:
                out.append((pid, addr))
        known = dict(v.maps)
        for p in self.processes.values():
            parent = p.original_ppid if p.original_ppid is not None else p.ppid
            if (p.pid not in known and parent in known and p.method == "fork" and p.started_t is not None
                    and p.started_t > v.created_t):
                known[p.pid] = known[parent]
                if not p.ended:
                    out.append((p.pid, known[parent]))
        return out

    # -- managers ---------------------------------------------------------------------------------------------------
    def _manager(self, f: Fields) -> ManagerState:
        mid = f["manager"]
        m = self.managers.get(mid)
        if m is None:
            m = self.managers[str(mid)] = ManagerState(str(mid))
        return m

    @handles(ev.MANAGER_NEW)
    def _manager_new(self, t: int, pid: int, tid: int, f: Fields) -> None:
        m = self._manager(f)
        m.type = f.get("type") or m.type
        m.server = f.get("server", m.server)
        m.name = f.get("name", m.name)
        m.site = f.get("site", m.site)
        m.created_by = pid
        self.touch(Part.QUEUES)

    @handles(ev.MANAGER_CALL)
    def _manager_call(self, t: int, pid: int, tid: int, f: Fields) -> None:
        m = self._manager(f)
        th = self._thread(pid, tid, t)
        oid, method = str(f["object"]), str(f["method"])
        if f.get("phase") == "begin":
            obj = m.objects.get(oid)
            if obj is None:
                obj = m.objects[oid] = ManagedObject(oid, str(f.get("type") or UNKNOWN))
            obj.calls[method] += 1
            m.calls += 1
            call = ManagerCall(t, th.key, oid, obj.type, method, f.get("site"))
            m.recent.append(call)
            if th.alive:
                m.in_call[th.key] = call
                # The caller waits for the server's answer (a managed Lock's acquire may wait long).
                self._set_state(th, State.BLOCKED, t, m.id)
        else:
            call = m.in_call.pop(th.key, None)
            if call is not None:
                call.t_end = t
                call.error = f.get("error")
            if th.state is State.BLOCKED and th.blocked_on == m.id:
                self._set_state(th, State.RUNNING, t)
        self.touch(Part.QUEUES)

    def manager_of_server(self, pid: int) -> ManagerState | None:
        """The manager whose server process ``pid`` is, if it is one."""
        return next((m for m in self.managers.values() if m.server == pid), None)

    # -- when threads and processes end ---------------------------------------------------------------------------
    def _forget_waits(self, pid: int, tid: int | None) -> None:
        for m in self.managers.values():
            gone = [k for k in m.in_call if k[0] == pid and (tid is None or k[1] == tid)]
            for key in gone:
                del m.in_call[key]
            if gone:
                self.touch(Part.QUEUES)
        super()._forget_waits(pid, tid)
