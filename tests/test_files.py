"""igfaxis._files: bounded reads and atomic, all-or-nothing writes (issue 16, items 2, 3, 5);
igfaxis._messages: bounded reprs."""

from __future__ import annotations

import os
import time

import pytest

from igfaxis._files import load_json, load_yaml, read_text, staged_outputs, write_text_atomic
from igfaxis._messages import one_line, short_repr
from igfaxis.errors import ProtocolError


def test_read_text_refuses_missing_big_binary_and_non_utf8(tmp_path):
    with pytest.raises(ProtocolError, match="does not exist"):
        read_text(tmp_path / "nope.yaml", "protocol")
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: the size is refused before anything is read
        fh.truncate(50 << 20)
    with pytest.raises(ProtocolError, match=r"is 50.0 MiB; at most 4 MiB"):
        read_text(big, "labs", max_bytes=4 << 20)
    (tmp_path / "b.yaml").write_bytes(b"name: x\x00\x01")
    with pytest.raises(ProtocolError, match="is binary"):
        read_text(tmp_path / "b.yaml", "protocol")
    (tmp_path / "l.yaml").write_bytes("name: café".encode("latin-1"))
    with pytest.raises(ProtocolError, match=r"not UTF-8 text \(byte 0xe9 at offset 9\)"):
        read_text(tmp_path / "l.yaml", "protocol")


def test_read_text_drops_a_byte_order_mark(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"\xef\xbb\xbfday,igf1,unit\n")
    assert read_text(tmp_path / "a.csv", "labs").startswith("day")


def test_billion_laughs_is_refused_fast():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(ProtocolError, match="expands to more than 200000 YAML nodes"):
        load_yaml("\n".join(lines), "x.yaml")
    assert time.perf_counter() - start < 1.0


def test_shared_aliases_within_the_limit_are_read():
    data = load_yaml("d: &d {energy_kcal: 2000}\nphases: [{diet: *d}, {diet: *d}]\n", "x")
    assert data["phases"][1]["diet"] == {"energy_kcal": 2000}


def test_recursive_and_deep_yaml_is_refused():
    with pytest.raises(ProtocolError, match="recursive"):
        load_yaml("a: &a [*a]\n", "x.yaml")
    with pytest.raises(ProtocolError, match=r"nests too deeply|expands"):
        load_yaml("[" * 5_000 + "]" * 5_000, "x.yaml")
    with pytest.raises(ProtocolError, match="nests too deeply"):
        load_json("[" * 100_000 + "]" * 100_000, "x.json")


def test_yaml_errors_are_one_bounded_line():
    with pytest.raises(ProtocolError) as info:
        load_yaml("a: [" + "x, " * 5_000, "x.yaml")
    assert "\n" not in str(info.value)
    assert len(str(info.value)) < 500


def test_staged_outputs_write_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "sub" / "b.png"
    a.write_text("old", encoding="utf-8")

    def fail_after_the_first() -> None:
        with staged_outputs(a, b) as (ta, _):
            ta.write_text("new", encoding="utf-8")
            raise RuntimeError("the second output failed")

    with pytest.raises(RuntimeError):
        fail_after_the_first()
    assert a.read_text(encoding="utf-8") == "old"
    assert not b.exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.csv"]
    with staged_outputs(a, b) as (ta, tb):
        assert ta.suffix == ".csv"
        assert tb.suffix == ".png"
        assert ta.parent == a.parent
        ta.write_text("new", encoding="utf-8")
        tb.write_bytes(b"png")
    assert a.read_text(encoding="utf-8") == "new"
    assert b.read_bytes() == b"png"


def test_staged_outputs_refuse_a_folder_and_duplicates(tmp_path):
    with pytest.raises(ProtocolError, match="is a folder"), staged_outputs(tmp_path):
        pass
    with (
        pytest.raises(ProtocolError, match="same file"),
        staged_outputs(tmp_path / "x", tmp_path / "x"),
    ):
        pass


def test_atomic_write_keeps_the_usual_file_mode(tmp_path):
    out = write_text_atomic(tmp_path / "x.yaml", "a: 1\n")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_short_repr_and_one_line_are_bounded():
    assert len(short_repr("x" * 50_000_000)) <= 80
    assert len(short_repr(list(range(10**6)))) <= 80
    assert short_repr(1.5) == "1.5"
    text = one_line("a\n" * 10**6)
    assert len(text) <= 2000
    assert "\n" not in text
