import time

from switchboard.telephony.capacity import CapacityGate


def test_reserves_up_to_the_limit_then_refuses():
    gate = CapacityGate(2)
    assert gate.try_reserve("A") and gate.try_reserve("B")
    assert not gate.try_reserve("C")
    assert gate.in_use == 2


def test_reserving_twice_for_the_same_call_takes_one_slot():
    gate = CapacityGate(1)
    assert gate.try_reserve("A") and gate.try_reserve("A")
    assert gate.in_use == 1


def test_release_frees_the_slot_for_the_next_caller():
    gate = CapacityGate(1)
    gate.try_reserve("A")
    assert gate.activate("A")
    gate.release("A")
    assert gate.try_reserve("B")


def test_activate_without_reservation_fails():
    assert not CapacityGate(1).activate("X")


def test_unclaimed_reservation_expires(monkeypatch):
    gate = CapacityGate(1, reservation_ttl_secs=5)
    gate.try_reserve("A")
    later = time.monotonic() + 6
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert gate.try_reserve("B")
    assert not gate.activate("A")


def test_active_call_never_expires(monkeypatch):
    gate = CapacityGate(1, reservation_ttl_secs=5)
    gate.try_reserve("A")
    gate.activate("A")
    later = time.monotonic() + 600
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert not gate.try_reserve("B")
