"""Save and load solutions: a folder with `solution.json` (what it is) and `solution.npz` (numbers).

Format "pdec-solution", version 2 (version 1 files still load: their records are converted):
- `solution.json`: {"format", "version", "pdec_version", "fields", "coordinates", "lower", "upper",
  "parameters", "stages": [[{"layers", "sine_first", "angle"} or {"kind": "chebyshev", "stretches": [[center, width] or null per axis]}, ...] per field], "report": [stage
  records, `pdec.records.StageRecord` with the stop reason by name], "start": where an equation
  solve's parameters started, `pdec.records.ParameterStart`}; "coordinates" (the axes'
  names, [] when not known) and "start" are absent from older files. Version 1 stored two record types
  ("StageRecord" of fits, "PinnRecord" of equations) with the stop reason as a message.
- `solution.npz`: float64 arrays `lower`, `upper`, and for field i, stage k, layer l:
  `f{i}_s{k}_W{l}`, `f{i}_s{k}_b{l}`, `f{i}_s{k}_eps`, `f{i}_s{k}_kappa`; a spectral stage
  (`pdec.solution.ChebyshevStage`) its coefficients `f{i}_s{k}_C` and `f{i}_s{k}_eps`; a stage with
  singular functions (`pdec.solution.SingularStage`, meta "singular": {"axes", "order",
  "terms"}) its network's arrays and `f{i}_s{k}_S`, `_poles`, `_corners`, `_scale`.
Arrays are stored exactly, so a loaded solution gives the same values to the last bit. Each file
is written to a temporary name and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import jax.numpy as jnp
import numpy as np

from pdec.errors import PdecError
from pdec.geometry.codec import geometry_from_json, geometry_json
from pdec.records import ParameterStart, StageRecord, StopReason
from pdec.solution import ChebyshevStage, SingularStage, Solution, Stage
from pdec.solver.chebyshev import Stretch
from pdec.solver.singular import Singular

FORMAT = "pdec-solution"
VERSION = 2
JSON_NAME, NPZ_NAME = "solution.json", "solution.npz"


def _atomic_write(path: Path, write) -> None:
    """Write through `write(file object)` to a temporary file, then rename it over `path`."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that the file is either the old one or the whole new one."""
    _atomic_write(path, lambda fh: fh.write(data))


def plain(value: Any) -> Any:
    """A record's value as JSON can hold it: NumPy scalars as Python ones, NaN as null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def record_json(record: StageRecord) -> dict:
    """A stage record as plain JSON (the stop reason by name)."""
    body = plain(dataclasses.asdict(record))
    body["stop"] = record.stop.name if record.stop is not None else None
    return body


def start_json(start: ParameterStart) -> dict:
    """Where the parameters started, as plain JSON."""
    return plain({**dataclasses.asdict(start), "notes": list(start.notes), "unpinned": list(start.unpinned)})


def _start(entry: dict | None) -> ParameterStart | None:
    """A parameter start back from JSON (None where the file has none: saved before pdec had it)."""
    if entry is None:
        return None
    return ParameterStart({k: _number(v) for k, v in entry["guesses"].items()},
                          {k: _number(v) for k, v in entry["values"].items()}, tuple(entry.get("notes", ())),
                          tuple(entry.get("unpinned", ())), {k: _number(v) for k, v in entry.get("fit_rms", {}).items()})


def save(solution: Solution, directory: str | Path) -> Path:
    """Save `solution` into `directory` (created if needed); returns the folder."""
    from pdec import __version__

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {"lower": np.asarray(solution.lower), "upper": np.asarray(solution.upper)}
    stages_meta = []
    for i, stages in enumerate(solution.stages):
        meta = []
        for k, stage in enumerate(stages):
            if isinstance(stage, ChebyshevStage):
                arrays[f"f{i}_s{k}_C"] = np.asarray(stage.coefficients)
                arrays[f"f{i}_s{k}_eps"] = np.asarray(stage.eps)
                meta.append({"kind": "chebyshev", "stretches": [None if t is None else [float(t.center), float(t.width)]
                                                                for t in stage.stretches]})
                continue
            entry = {}
            if isinstance(stage, SingularStage):
                fn = stage.functions
                arrays |= {f"f{i}_s{k}_S": np.asarray(stage.coefficients), f"f{i}_s{k}_poles": np.asarray(fn.poles),
                           f"f{i}_s{k}_corners": np.asarray(fn.corners), f"f{i}_s{k}_scale": np.asarray(fn.scale)}
                entry["singular"] = {"axes": list(fn.axes), "order": fn.order, "terms": fn.terms}
                stage = stage.net
            for l, (w, b) in enumerate(stage.params):
                arrays[f"f{i}_s{k}_W{l}"] = np.asarray(w)
                arrays[f"f{i}_s{k}_b{l}"] = np.asarray(b)
            arrays[f"f{i}_s{k}_eps"] = np.asarray(stage.eps)
            arrays[f"f{i}_s{k}_kappa"] = np.asarray(stage.kappa)
            meta.append({"layers": len(stage.params), "sine_first": bool(stage.sine_first),
                         "angle": bool(stage.angle)} | entry)
        stages_meta.append(meta)
    header = {
        "format": FORMAT, "version": VERSION, "pdec_version": __version__,
        "fields": list(solution.field_names),
        "coordinates": list(solution.coordinate_names),
        "lower": [float(v) for v in np.asarray(solution.lower)],
        "upper": [float(v) for v in np.asarray(solution.upper)],
        "parameters": {k: float(v) for k, v in solution.parameters.items()},
        "stages": stages_meta,
        "report": [record_json(r) for r in solution.report],
    }
    if solution.start is not None:
        header["start"] = start_json(solution.start)
    if solution.geometry is not None:
        header["geometry"] = geometry_json(solution.geometry)
    _atomic_write(folder / NPZ_NAME, lambda fh: np.savez(fh, **arrays))
    _atomic_write(folder / JSON_NAME, lambda fh: fh.write(json.dumps(header, indent=1).encode()))
    return folder


def _damaged(path: Path, why: str) -> PdecError:
    return PdecError(f"{why}", filename=str(path),
                     hint="the solution files are damaged or incomplete; solve again to recreate them")


# Version 1 stop messages, by their start, and the reasons they name.
V1_STOPS = (("tolerance", StopReason.TOLERANCE), ("no gain", StopReason.NO_GAIN), ("stalled", StopReason.STALLED),
            ("max stages", StopReason.MAX_STAGES), ("residue is zero", StopReason.ZERO_RESIDUE),
            ("diverged", StopReason.DIVERGED))
V1_FIGURES = {"StageRecord": ("rms_error",), "PinnRecord": ("gamma", "equation_rms", "condition_max")}


def _number(v) -> float:
    """A float back from JSON: NaN and infinities were stored as null and strings."""
    return float("nan") if v is None else float(v)


def _v1_record(entry: dict, fields: tuple[str, ...]) -> dict:
    """A version-1 record (two types, stop reason as a message) in version 2's terms."""
    kind = entry.pop("type", "StageRecord")
    if kind not in V1_FIGURES:
        raise ValueError(f"unknown stage record type {kind!r}")
    figures = {name: entry.pop(name) for name in V1_FIGURES[kind] if name in entry}
    message = entry.pop("stop_reason", "")
    entry["stop"] = next((reason.name for start, reason in V1_STOPS if message.startswith(start)), None)
    entry["fields"] = [entry.pop("field")] if "field" in entry else list(fields)
    entry["figures"] = figures
    if kind == "StageRecord":
        entry["score"] = entry["rel_l2"]
    else:
        exact = entry["rel_l2"] is not None
        entry["score"] = entry["rel_l2"] if exact else figures.get("equation_rms")
    return entry


def _record(entry: dict, version: int, fields: tuple[str, ...]) -> StageRecord:
    """A stage record back from JSON."""
    entry = dict(entry)
    if version == 1:
        entry = _v1_record(entry, fields)
    stop = entry.pop("stop", None)
    floats = {f.name for f in dataclasses.fields(StageRecord) if f.type == "float"}
    values = {k: _number(v) if k in floats else v for k, v in entry.items()}
    return StageRecord(**{**values, "fields": tuple(values["fields"]), "kappa": tuple(values.get("kappa", ())),
                          "stop": StopReason[stop] if stop is not None else None,
                          "figures": {k: _number(v) for k, v in values.get("figures", {}).items()},
                          "parameters": {k: _number(v) for k, v in values.get("parameters", {}).items()},
                          "estimates": {k: _number(v) for k, v in values.get("estimates", {}).items()}})


def _singular_stage(net: Stage, arrays: dict, prefix: str, meta: dict) -> SingularStage:
    fn = Singular(jnp.asarray(arrays[f"{prefix}_poles"]), jnp.asarray(arrays[f"{prefix}_corners"]),
                  jnp.asarray(arrays[f"{prefix}_scale"]), tuple(int(a) for a in meta["axes"]), int(meta["order"]),
                  int(meta["terms"]))
    return SingularStage(net, fn, jnp.asarray(arrays[f"{prefix}_S"]), jnp.asarray(arrays["lower"]),
                         jnp.asarray(arrays["upper"]))


def load(directory: str | Path) -> Solution:
    """Load a solution saved by `save`; a missing, damaged or too new file raises PdecError."""
    folder = Path(directory)
    jpath, npath = folder / JSON_NAME, folder / NPZ_NAME
    if not jpath.is_file() or not npath.is_file():
        raise PdecError(f"no saved solution in {folder} (looked for {JSON_NAME} and {NPZ_NAME})",
                        filename=str(folder))
    try:
        header = json.loads(jpath.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _damaged(jpath, f"not valid JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _damaged(jpath, "not a pdec solution file")
    version = header.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise PdecError(f"this solution was saved in format version {version}, newer than this pdec "
                        f"reads (version {VERSION})", filename=str(jpath),
                        hint="upgrade pdec to load it")
    try:
        with np.load(npath, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        fields = tuple(header["fields"])
        stages = []
        for i, meta in enumerate(header["stages"]):
            field_stages = []
            for k, m in enumerate(meta):
                if m.get("kind") == "chebyshev":
                    stretches = tuple(None if t is None else Stretch(*t) for t in m.get("stretches", ()))
                    field_stages.append(ChebyshevStage(jnp.asarray(arrays[f"f{i}_s{k}_C"]),
                                                       jnp.asarray(arrays[f"f{i}_s{k}_eps"]), stretches))
                    continue
                params = tuple((jnp.asarray(arrays[f"f{i}_s{k}_W{l}"]), jnp.asarray(arrays[f"f{i}_s{k}_b{l}"]))
                               for l in range(m["layers"]))
                net = Stage(params, jnp.asarray(arrays[f"f{i}_s{k}_eps"]), jnp.asarray(arrays[f"f{i}_s{k}_kappa"]),
                            bool(m["sine_first"]), bool(m["angle"]))
                if "singular" in m:
                    net = _singular_stage(net, arrays, f"f{i}_s{k}", m["singular"])
                field_stages.append(net)
            stages.append(tuple(field_stages))
        if len(stages) != len(fields):
            raise KeyError("fields")
        report = tuple(_record(r, version, fields) for r in header.get("report", []))
        coordinates = tuple(str(c) for c in header.get("coordinates", []))
        if coordinates and len(coordinates) != len(arrays["lower"]):
            raise ValueError(f"{len(coordinates)} coordinate names for a {len(arrays['lower'])}-dimensional box")
        return Solution(jnp.asarray(arrays["lower"]), jnp.asarray(arrays["upper"]), fields, tuple(stages),
                        report, {k: float(v) for k, v in header.get("parameters", {}).items()}, coordinates,
                        _start(header.get("start")),
                        geometry_from_json(header["geometry"]) if "geometry" in header else None)
    except (KeyError, TypeError, ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise _damaged(npath, f"cannot read the saved solution ({type(exc).__name__}: {exc})") from None
