"""Run folders: what `pdec solve` writes, stage by stage, so that nothing is lost.

A run folder holds
- the `.pde` source as solved,
- `settings.json`: the options given on the command line, the seed, pdec's version,
- `solution.json` + `solution.npz` (`pdec.store`), rewritten atomically after every stage,
- `report.json`: every figure of the end-of-run table, the stop reason, whether `tol` was met,
  the devices the run used (how many, their kind and platform); with observations, the last
  kept stage's fit to them (`observations`: misfit, level, met); with unknown parameters, where
  they started (`start`) and `parameters_trusted` (the observations are met and none is unpinned);
  `estimated_error` and `estimated_errors` (per field and parameter, `pdec.solver.estimate`);
  for equation problems `converged` (every condition met and the equations solved on fresh
  points, `pdec.records.verdict`), `trusted` (converged, and an estimate that rests on a
  measured correction and is at most `pdec.records.POOR`) and, where not, the `reasons`.

`resume` checks that a folder belongs to the same problem and gives back what to continue.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pdec import store
from pdec.errors import PdecError
from pdec.language.options import SolverOptions
from pdec.records import observation_check, stop_messages, trust, verdict
from pdec.language.problem import Problem
from pdec.solution import Solution

SETTINGS, REPORT, LOCK = "settings.json", "report.json", ".lock"


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def locked(path: Path, create: bool = True) -> Iterator[None]:
    """Hold the run folder ``path`` for this process: a lock file with its process id, refused
    while another live process holds it; a lock left by a killed run is taken over. Without
    ``create``, a folder that does not exist is not made (nor held)."""
    if path.exists() and not path.is_dir():
        raise PdecError(f"{path} is not a folder", filename="command line",
                        hint="a run is saved into a folder (created if missing): give another --out")
    if not path.is_dir() and not create:
        yield
        return
    path.mkdir(parents=True, exist_ok=True)
    lock = path / LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                owner = int(lock.read_text().strip() or "0")
            except (OSError, ValueError):
                owner = 0
            if owner and owner != os.getpid() and _alive(owner):
                raise PdecError(f"{path} is in use by another pdec run (process {owner})", filename="command line",
                                hint="wait for it to finish, or save this run elsewhere with --out") from None
            lock.unlink(missing_ok=True)  # left by a run that no longer runs
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


@dataclass(frozen=True)
class RunFolder:
    """A run folder and the command-line options its run was started with."""

    path: Path
    options: SolverOptions  # stages, tol, seed and `--set` options, as given (the seed always)
    devices: dict[str, Any] = field(default_factory=dict)  # `pdec.solver.devices.inventory`, for the report

    def write_start(self, problem: Problem) -> None:
        """Create the folder with the source and the settings (before the first stage)."""
        from pdec import __version__

        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / Path(problem.filename).name).write_text(problem.source)
        for rel in data_files(problem):  # so that the saved source compiles in the run folder
            (self.path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(problem.filename).parent / rel, self.path / rel)
        body = {"file": Path(problem.filename).name, "options": asdict(self.options), "pdec_version": __version__}
        store.atomic_write(self.path / SETTINGS, json.dumps(body, indent=1).encode())

    def save(self, solution: Solution, *, tol: float, done: bool = False) -> None:
        """Save the solution so far and its report (called after every stage)."""
        store.save(solution, self.path)
        stops = stop_messages(solution.report)
        body = {
            "fields": list(solution.field_names),
            "parameters": dict(solution.parameters),
            "stages": [store.record_json(r) for r in solution.report],
            "finished": done,
            "stop_reason": stops[-1] if stops else "",
            "tol": tol,
            "devices": self.devices,
        }
        reached = verdict(solution.report)
        if solution.report:
            body |= {"estimated_error": store.plain(solution.estimated_error),
                     "estimated_errors": store.plain(solution.estimated_errors)}
        if reached is not None:
            estimate = trust(solution.report)
            body["converged"] = reached.converged
            body["trusted"] = reached.converged and estimate.converged
            reasons = reached.reasons + estimate.reasons
            if reasons:
                body["reasons"] = list(reasons)
        check = observation_check(solution.report)
        if check is not None:
            body["observations"] = check
        if solution.start is not None and solution.parameters:
            body["start"] = store.start_json(solution.start)
            body["parameters_trusted"] = bool(check is None or check["met"]) and not solution.start.unpinned
        store.atomic_write(self.path / REPORT, json.dumps(body, indent=1).encode())


def data_files(problem: Problem) -> list[Path]:
    """The CSV files the problem reads, as relative paths inside its folder (others are not copied)."""
    names = [o.source for o in problem.observations if o.source.endswith(".csv")]
    names += [f.source for f in problem.fits if f.points is not None]
    base = Path(problem.filename).parent
    out = []
    for name in dict.fromkeys(names):
        rel = Path(name)
        if not rel.is_absolute() and ".." not in rel.parts and (base / rel).is_file():
            out.append(rel)
    return out


def resume(folder: str | Path, problem: Problem, given: SolverOptions) -> tuple[RunFolder, Solution | None]:
    """The run folder to continue and its saved solution (None if no stage finished); PdecError
    if it is not a run folder, or was solved from a different problem or seed."""
    path = Path(folder)
    settings_path = path / SETTINGS
    if not settings_path.is_file():
        raise PdecError(f"{path} is not a pdec run folder (no {SETTINGS})", filename=str(path),
                        hint="give the folder that `pdec solve` printed (`saved to ...`)")
    try:
        saved = json.loads(settings_path.read_text())
        source = (path / saved["file"]).read_text()
        options = SolverOptions.of(saved["options"])
    except (OSError, KeyError, TypeError, ValueError, PdecError) as exc:
        raise PdecError(f"cannot read the run folder's settings ({exc})", filename=str(settings_path)) from None
    if source != problem.source:
        raise PdecError(f"the run in {path} was solved from a different version of {saved['file']}",
                        filename=str(path), hint="resume needs the same file; start a new run with --out")
    if given.seed is not None and given.seed != options.seed:
        raise PdecError(f"the run in {path} used seed {options.seed}, not {given.seed}",
                        filename=str(path), hint="leave --seed out to continue with the run's seed")
    merged = options.merged(given)
    if not (path / store.JSON_NAME).is_file():  # stopped before its first stage was done
        return RunFolder(path, merged), None
    return RunFolder(path, merged), store.load(path)
