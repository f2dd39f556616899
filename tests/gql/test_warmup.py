"""Warm-up compiles every kernel the API can reach, so no request pays numba's compile time.

Each check runs in a fresh interpreter: in the test process other tests have long since
compiled the kernels, which would hide a kernel that warm-up forgets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_LIST_KERNELS = textwrap.dedent(
    """
    import importlib, inspect, json, pkgutil, sys

    from numba.core.registry import CPUDispatcher

    import geo, tsp
    import gql.services.territories.rules as rules
    from gql.app import warm_kernels

    def kernels():
        found = {}
        for package in (geo, tsp, rules):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                if info.name.endswith("__main__"):
                    continue
                module = importlib.import_module(info.name)
                for name, obj in vars(module).items():
                    if isinstance(obj, CPUDispatcher) and obj.__module__ == module.__name__:
                        found[f"{module.__name__}.{name}"] = obj
        return found

    def compiled():
        return {name: len(k.signatures) for name, k in kernels().items()}

    warm_kernels()
    after_warm_up = compiled()
    after_plan = None
    if "--plan" in sys.argv:
        import numpy as np
        from tsp import Problem, solve

        # A realistic windowed day: 40 stops, morning and afternoon windows, 5 min service.
        rng = np.random.default_rng(3)
        xy = rng.uniform(0, 8_000, size=(41, 2))
        cost = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 7)
        windows = [[(0, 40_000)]] + [
            [(0, 12_000), (14_000, 30_000)] if i % 3 else [(16_000, 30_000)] for i in range(40)
        ]
        problem = Problem(cost.astype(np.int64), windows=windows, service=[0] + [300] * 40)
        for method in ("auto", "heuristic"):
            solve(problem, method=method, time_limit_s=0.2)
        after_plan = compiled()
    # Each module's Python code with its kernels cut out: what calls a kernel from Python.
    python_code = {}
    for module_name in {k.rsplit(".", 1)[0] for k in after_warm_up}:
        module = importlib.import_module(module_name)
        text = inspect.getsource(module)
        for kernel in (k for n, k in kernels().items() if n.startswith(module_name + ".")):
            text = text.replace(inspect.getsource(kernel.py_func), "")
        python_code[module_name] = text
    json.dump({"warm": after_warm_up, "plan": after_plan, "python_code": python_code}, sys.stdout)
    """
)


def _run(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _LIST_KERNELS, *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_warm_up_compiles_every_kernel_python_calls() -> None:
    report = _run()
    warm: dict[str, int] = report["warm"]  # type: ignore[assignment]
    python_code: dict[str, str] = report["python_code"]  # type: ignore[assignment]
    assert len(warm) > 40, "the kernel listing found too few kernels to be trusted"
    # A kernel may stay cold only when nothing calls it from Python: it is then compiled
    # into the kernels that call it, which must themselves be warm.
    called_from_python = {
        name: [m for m, text in python_code.items() if f"{name.rsplit('.', 1)[1]}(" in text]
        for name in warm
    }
    cold = sorted(k for k, n in warm.items() if n == 0 and called_from_python[k])
    assert cold == [], f"warm-up leaves these kernels uncompiled: {cold}"
    assert warm["tsp._ls_kernels.ils_windows"] > 0  # the windowed heuristic of issue 12


def test_a_windowed_day_plan_after_warm_up_compiles_nothing() -> None:
    report = _run("--plan")
    warm: dict[str, int] = report["warm"]  # type: ignore[assignment]
    plan: dict[str, int] = report["plan"]  # type: ignore[assignment]
    newly = sorted(k for k in plan if plan[k] != warm[k])
    assert newly == [], f"a windowed plan after warm-up still compiled: {newly}"
