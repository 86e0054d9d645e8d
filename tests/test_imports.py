"""Every askbot module imports on its own, first, in a fresh interpreter.

``askbot/__init__.py`` imports nothing eagerly, so no module can count on another having
been imported before it: an import cycle shows up only when its module is the first one a
program imports (``import askbot.evaluate`` once failed that way).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import askbot

# Optional extras: their modules need packages a plain install may lack.
OPTIONAL = ("askbot.index.milvus",)


def modules() -> list[str]:
    found = [
        m.name
        for m in pkgutil.walk_packages(askbot.__path__, "askbot.")
        if not m.name.startswith(OPTIONAL) and m.name != "askbot.__main__"
    ]
    return ["askbot", *found]


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    names = modules()
    assert "askbot.evaluate" in names and len(names) > 50

    def run(name: str) -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=120
        )
        return name, "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1]

    with ThreadPoolExecutor(4) as pool:
        failed = {name: why for name, why in pool.map(run, names) if why}
    assert failed == {}
