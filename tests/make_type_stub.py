"""Write sim/scenario/generated.pyi, the type stub of the registry's generated models.

Run after adding, removing or renaming a doctrine or model parameter in
sim/registry.py: ``python tests/make_type_stub.py``.  tests/test_scenario.py checks
that the stub on disk matches the registry.
"""

from sim.scenario.generated import STUB, stub_text

if __name__ == "__main__":
    STUB.write_text(stub_text(), encoding="utf-8")
    print(f"wrote {STUB}")
