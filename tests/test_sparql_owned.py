"""A forked worker's own memory: a bound from its page faults, the exact figure only near the budget."""

from __future__ import annotations

import pytest

from cap_ptce.sparql import owned
from cap_ptce.sparql.owned import OwnMemory, faults_bound_pages, own_mib

MIB = 1024 * 1024


@pytest.fixture
def readings(monkeypatch):
    """Count the exact readings of /proc/self/smaps_rollup."""
    seen = []

    def counted(pid="self"):
        seen.append(pid)
        return own_mib(pid)

    monkeypatch.setattr(owned, "own_mib", counted)
    monkeypatch.setattr(owned, "faults_bound_pages", lambda: True)
    return seen


def touch(mib: int) -> bytearray:
    """``mib`` MiB of fresh pages, each written to once."""
    block = bytearray(mib * MIB)
    for offset in range(0, len(block), 4096):
        block[offset] = 1
    return block


def test_the_bound_is_never_under_the_exact_figure_and_costs_no_reading_under_the_budget(readings):
    own = OwnMemory(budget_mib=1.0)
    first = own.now()  # this process has faulted more than 1 MiB: the bound passes the budget, the figure is read
    assert readings == ["self"] and first == pytest.approx(own_mib(), rel=0.05)
    own.budget_mib = 100_000.0
    held = touch(64)
    bound = own.now()
    assert readings == ["self"]  # no second reading: the bound is under the budget
    assert bound >= own_mib() - 1  # 64 MiB of new pages, each counted by its fault
    assert bound >= first + 63
    del held


def test_past_the_budget_the_exact_figure_is_read_again(readings):
    own = OwnMemory(budget_mib=1.0)
    own.budget_mib = own.now() + 16  # 16 MiB left before the budget
    held = touch(32)
    exact = own.now()
    assert len(readings) == 2 and exact == pytest.approx(own_mib(), abs=2)
    del held


def test_without_a_budget_every_figure_is_read(readings):
    own = OwnMemory(budget_mib=None)
    own.now()
    own.now()
    assert readings == ["self", "self"]


@pytest.mark.parametrize(
    ("setting", "tunables", "bound"),
    [
        ("always [madvise] never\n", "", True),
        ("always madvise [never]\n", "", True),
        ("[always] madvise never\n", "", False),  # one fault may bring 2 MiB
        ("always [madvise] never\n", "glibc.malloc.hugetlb=1", False),  # malloc asks for huge pages itself
    ],
)
def test_huge_pages_always_on_turn_the_bound_off(tmp_path, monkeypatch, setting, tunables, bound):
    path = tmp_path / "enabled"
    path.write_text(setting)
    monkeypatch.setattr(owned, "_HUGE_PAGES", path)
    monkeypatch.setenv("GLIBC_TUNABLES", tunables)
    assert faults_bound_pages() is bound
    assert (OwnMemory(100.0).budget_mib is None) is not bound


def test_without_the_setting_the_kernel_has_no_huge_pages_and_the_bound_holds(tmp_path, monkeypatch):
    monkeypatch.setattr(owned, "_HUGE_PAGES", tmp_path / "absent")
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert faults_bound_pages() is True
