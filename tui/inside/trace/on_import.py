"""Runs a hook right after a module is first imported, so the tracer hooks multiprocessing's queues, locks and
forkserver only in a script that uses them, and never loads them itself (see tui/inside/__init__.py)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # no typing at run time in traced processes (see tui/inside/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Callable
    from importlib.machinery import ModuleSpec
    from types import ModuleType

    Hook = Callable[[ModuleType], None]


class ImportWatch:
    """A finder first on ``sys.meta_path`` that finds nothing itself: for a watched name it asks the finders after
    it, and wraps the loader they return so the hooks run once the module's code has run."""

    def __init__(self) -> None:
        self._hooks: dict[str, list[Hook]] = {}

    def when_imported(self, name: str, hook: Hook) -> None:
        module = sys.modules.get(name)
        if module is not None:
            hook(module)
            return
        self._hooks.setdefault(name, []).append(hook)
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def find_spec(self, name: str, path: object, target: object = None) -> ModuleSpec | None:
        hooks = self._hooks.pop(name, None)
        if hooks is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:  # no loader of the standard library's modules is without it
            return spec

        def exec_then_hook(module: ModuleType) -> None:
            exec_module(module)
            for hook in hooks:
                hook(module)

        loader.exec_module = exec_then_hook  # type: ignore[union-attr]  # this spec's own loader object
        return spec
