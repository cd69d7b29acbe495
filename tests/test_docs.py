"""docs/python.md stays true: its ```python blocks run in order, as one script, in a scratch folder."""

import re
from pathlib import Path

DOC = Path(__file__).parent.parent / "docs" / "python.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, re.S | re.M)


def test_python_md_runs(tmp_path, monkeypatch):
    blocks = python_blocks(DOC.read_text())
    assert len(blocks) >= 5
    monkeypatch.chdir(tmp_path)  # the example saves into runs/
    namespace: dict = {"__name__": "docs_python_md"}
    for i, block in enumerate(blocks, start=1):
        exec(compile(block, f"{DOC.name}, python block {i}", "exec"), namespace)
    assert (tmp_path / "runs" / "fit" / "solution.npz").is_file()
