"""A job's log is capped: it rotates once it reaches the cap and never keeps more than twice it."""

import pytest

from rnnvis.jobs.logs import CURRENT, ROTATED, CappedLog, read_log


def test_the_log_rotates_at_its_cap(tmp_path):
    log = CappedLog(tmp_path, max_bytes=1024)
    lines = [f"line {i:04d} " + "x" * 40 + "\n" for i in range(200)]   # 10 KB in all
    for line in lines:
        log.write(line)
        assert (tmp_path / CURRENT).stat().st_size <= 1024
        if (tmp_path / ROTATED).exists():
            assert (tmp_path / ROTATED).stat().st_size <= 1024
    log.close()
    text = read_log(tmp_path)
    assert len(text.encode()) <= 2048
    assert text.endswith(lines[-1]) and lines[0] not in text
    assert "[log rotated " in text and "anything older was dropped" in text
    # the kept lines are the latest ones, in order
    kept = [line for line in text.splitlines(keepends=True) if line.startswith("line ")]
    assert kept == lines[-len(kept):] and len(kept) >= 1024 // len(lines[0])
    assert read_log(tmp_path, tail=2) == "".join(lines[-2:])


def test_a_long_line_is_cut_and_a_reopened_log_appends(tmp_path):
    log = CappedLog(tmp_path, max_bytes=2048)
    log.write("start\n")
    log.write("y" * 5000 + "\n")
    log.close()
    text = read_log(tmp_path)
    assert text.startswith("start\n") and "[line cut]" in text and len(text.encode()) <= 2048
    again = CappedLog(tmp_path, max_bytes=2048)
    assert again.size == len(text.encode())
    again.write("resumed\n")
    again.close()
    assert read_log(tmp_path).startswith("start\n") and read_log(tmp_path, tail=1) == "resumed\n"
    assert read_log(tmp_path / "nothing-here") == ""


def test_the_cap_has_a_floor(tmp_path):
    with pytest.raises(ValueError, match="max_bytes: got 100; expected at least 1024"):
        CappedLog(tmp_path, max_bytes=100)
