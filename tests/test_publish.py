"""Publishing is all-or-nothing, and the pipeline lock admits one writer."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from pipelines import paths
from pipelines.refresh import lock, publish


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    monkeypatch.setenv("SERVIR_PM_DATA", str(root))
    monkeypatch.setenv("SERVIR_PM_WAREHOUSE", str(root / "warehouse.duckdb"))
    return root


def _folder(path: Path, name: str, text: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_text(text, encoding="utf-8")
    return path


def _journal(moves: list[tuple[Path, Path]], state: dict) -> None:
    """What commit() writes at its commit point, without the moves after it (a kill right there)."""
    journal = {"moves": [[str(s), str(d)] for s, d in moves], "state": state}
    publish._write_atomic(paths.work_dir() / publish.JOURNAL, json.dumps(journal))


def test_commit_replaces_folders_and_the_warehouse_whole(data: Path) -> None:
    _folder(data / "marts" / "A", "old.csv", "old")
    (data / "warehouse.duckdb").write_text("old", encoding="utf-8")
    built = _folder(data / ".work" / "run" / "marts" / "A", "new.csv", "new")
    (data / ".work" / "run" / "warehouse.duckdb").write_text("new", encoding="utf-8")
    publish.commit([(built, data / "marts" / "A"), (data / ".work" / "run" / "warehouse.duckdb",
                                                    data / "warehouse.duckdb")], {"snapshots": {"A": {}}})
    assert [p.name for p in (data / "marts" / "A").iterdir()] == ["new.csv"]  # no mix of old and new
    assert (data / "warehouse.duckdb").read_text(encoding="utf-8") == "new"
    assert publish.read_state() == {"snapshots": {"A": {}}}
    assert not (data / ".work" / publish.JOURNAL).exists()


def test_publish_killed_after_its_commit_point_is_finished_by_recover(data: Path) -> None:
    _folder(data / "marts" / "A", "old.csv", "old")
    _folder(data / "reports" / "A", "old.html", "old")
    marts_built = _folder(data / ".work" / "run" / "marts" / "A", "new.csv", "new")
    reports_built = _folder(data / ".work" / "run" / "reports" / "A", "new.html", "new")
    moves = [(marts_built, data / "marts" / "A"), (reports_built, data / "reports" / "A")]
    _journal(moves, {"run_id": "r2", "snapshots": {"A": {}}})
    # Killed after the first move: marts new, reports old.
    (data / "marts" / "A").rename(data / "old-marts")
    marts_built.rename(data / "marts" / "A")
    assert publish.recover() is True
    assert [p.name for p in (data / "reports" / "A").iterdir()] == ["new.html"]
    assert [p.name for p in (data / "marts" / "A").iterdir()] == ["new.csv"]
    assert publish.read_state()["run_id"] == "r2"
    assert publish.recover() is False  # nothing left to finish


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(data: Path) -> None:
    with lock.exclusive("refresh"):
        assert lock.is_held()
        with pytest.raises(lock.LockedError) as refused, lock.exclusive("build"):
            pass
        assert refused.value.exit_code == 5
        assert "refresh" in refused.value.problem and str(lock.holder()["pid"]) in refused.value.problem
    assert not lock.is_held()
    with lock.exclusive("build"):  # released on exit: the next writer gets it
        assert lock.holder()["command"] == "build"


def test_outputs_on_another_file_system_are_published_whole(data: Path, tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another file system than the test's tmp folder")
    elsewhere = Path(tempfile.mkdtemp(dir=shm))
    reports = elsewhere / "reports"
    try:
        _folder(reports / "A", "old.html", "old")
        built = _folder(data / ".work" / "run" / "reports" / "A", "new.html", "new")
        publish.commit([(built, reports / "A")], {"snapshots": {}})
        assert [p.name for p in (reports / "A").iterdir()] == ["new.html"]
        assert sorted(p.name for p in reports.iterdir()) == ["A"]  # no copy or old version left behind
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)


def test_a_withdrawal_is_part_of_the_publish_and_finished_by_recover(data: Path) -> None:
    """Removals (a withdrawn snapshot's folders) go with the moves: after the commit point, a
    killed publish is finished by recover(), removals included; nothing half-removed is left."""
    for kind in ("staging", "marts"):
        _folder(data / kind / "B", "old.txt", "withdrawn")
    built = _folder(data / ".work" / "run" / "marts" / "A", "new.csv", "new")
    journal = {"moves": [[str(built), str(data / "marts" / "A")]], "state": {"snapshots": {"A": {}}},
               "removals": [str(data / "staging" / "B"), str(data / "marts" / "B"), str(data / "reports" / "B")]}
    publish._write_atomic(paths.work_dir() / publish.JOURNAL, json.dumps(journal))  # killed right here
    assert (data / "marts" / "B").is_dir()
    assert publish.recover() is True
    assert sorted(p.name for p in (data / "marts").iterdir()) == ["A"]
    assert sorted(p.name for p in (data / "staging").iterdir()) == []  # no `.B.old` left either
    assert publish.read_state() == {"snapshots": {"A": {}}}

    _folder(data / "quarantine" / "C", "old.txt", "withdrawn")
    publish.commit([], {"snapshots": {}}, removals=[data / "quarantine" / "C"])
    assert list((data / "quarantine").iterdir()) == []
