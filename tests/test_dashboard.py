"""The dashboard's pure parts: sliders from the registry, overrides, bands, saving.

Fast, no browser: the real-browser test is ``test_dashboard_browser.py``.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import numpy as np
import pytest
from conftest import BASELINE, REPO

from sim.dashboard.runs import reference_for, run_bands, same_frame, save_run, scenario_choices
from sim.dashboard.sliders import (
    DEFAULT_SLIDERS,
    DashboardModel,
    mesa_params,
    nice_step,
    overrides_from,
    quiet_mesa_hooks,
    slider_specs,
)
from sim.errors import InputError
from sim.registry import DOCTRINE_BY_NAME
from sim.results import load_results
from sim.scenario import load_scenario

GRIEVANCE = "actors.USA.doctrine.grievance"


@pytest.fixture
def short(tmp_path: Path) -> Path:
    """A folder with a two-year baseline and a variant of it (and a sweep file to skip)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_text(
        f"schema_version: 1\nextends: {BASELINE}\nname: short\nsteps: 8\nreplications: 4\n",
        encoding="utf-8",
    )
    (folder / "variant.yaml").write_text(
        "schema_version: 1\nextends: baseline.yaml\nname: short variant\n"
        "actors:\n  CHN:\n    doctrine: {grievance: 0.3}\n",
        encoding="utf-8",
    )
    (folder / "sweep.yaml").write_text(
        "schema_version: 1\nkind: sweep\nname: s\nbase: baseline.yaml\n", encoding="utf-8"
    )
    return folder


# --------------------------------------------------------------------------- sliders


def test_default_sliders_take_unit_range_and_meaning_from_the_registry():
    spec = load_scenario(BASELINE)
    specs = slider_specs(spec)
    assert [s.path for s in specs] == list(DEFAULT_SLIDERS)
    for s in specs:
        actor, name = s.path.split(".")[1], s.path.split(".")[-1]
        param = DOCTRINE_BY_NAME[name]
        assert (s.unit, s.low, s.high, s.doc) == (param.unit, param.low, param.high, param.doc)
        assert s.value == getattr(spec.actors[actor].doctrine, name)
        assert s.low <= s.value <= s.high
        assert 20 <= (s.high - s.low) / s.step <= 100
        assert s.unit in s.help and s.doc in s.help
    chn = {s.path: s for s in specs}["actors.CHN.doctrine.compliance"]
    assert (chn.value, chn.label) == (0.5, "CHN compliance")  # baseline.yaml's value


def test_sliders_of_actors_a_cast_lacks_are_left_out():
    spec = load_scenario(REPO / "scenarios" / "taiwan_strait.yaml")
    paths = [s.path for s in slider_specs(spec)]
    assert paths == [p for p in DEFAULT_SLIDERS if p.split(".")[1] in spec.codes]
    assert "actors.PRK.doctrine.provocation_rate" not in paths


@pytest.mark.parametrize(
    "path, message",
    [
        ("dyads.RUS-PRK.relation", "doctrine or model"),
        ("actors.CHN.doctrine.complience", "compliance"),
        ("actors.CHN.doctrine", ""),
    ],
)
def test_a_bad_slider_path_is_an_input_error(path, message):
    with pytest.raises(InputError) as err:
        slider_specs(load_scenario(BASELINE), [path])
    text = err.value.problems[0].format()
    assert text.startswith("--slider") and message in text


def test_model_paths_make_sliders_too():
    (s,) = slider_specs(load_scenario(BASELINE), ["model.depreciation"])
    assert (s.label, s.unit, s.value) == ("depreciation", "per year", 0.1)


@pytest.mark.parametrize(
    "low, high, step", [(0, 1, 0.02), (0, 12, 0.25), (-0.5, 0.5, 0.02), (0, 5, 0.1), (2, 2, 1)]
)
def test_slider_steps_are_round(low, high, step):
    assert nice_step(low, high) == step


def test_overrides_keep_only_the_sliders_that_moved():
    spec = load_scenario(BASELINE)
    values = {s.path: s.value for s in slider_specs(spec)}
    assert overrides_from(values, spec) == {}
    values[GRIEVANCE] = 0.25
    values["actors.CHN.doctrine.compliance"] = 0.5 + 1e-12  # rounding, not a move
    assert overrides_from(values, spec) == {GRIEVANCE: 0.25}
    with pytest.raises(InputError, match="not a number"):
        overrides_from({GRIEVANCE: "high"}, spec)


def test_mesa_builds_the_model_from_the_slider_values():
    pytest.importorskip("solara")
    with quiet_mesa_hooks():
        from mesa.visualization import Slider
        from mesa.visualization.solara_viz import _check_model_params

    params = mesa_params(slider_specs(load_scenario(BASELINE)), BASELINE)
    assert params["scenario_file"] == str(BASELINE)
    sliders = {k: v for k, v in params.items() if isinstance(v, Slider)}
    assert list(sliders) == list(DEFAULT_SLIDERS)
    assert all(v.is_float_slider and v.min <= v.value <= v.max for v in sliders.values())
    _check_model_params(DashboardModel.__init__, params)  # mesa's own check of the keywords
    # as mesa's ModelCreator and Reset do: the fixed parameters, then each slider's value
    kwargs = {"scenario_file": str(BASELINE), **{k: v.value for k, v in sliders.items()}}
    untouched = DashboardModel(**kwargs)
    assert untouched.overrides == {} and untouched.spec == untouched.base_spec
    moved = DashboardModel(**{**kwargs, GRIEVANCE: 0.25})
    assert moved.overrides == {GRIEVANCE: 0.25}
    assert moved.spec.actors["USA"].doctrine.grievance == 0.25
    assert moved.run_seed == untouched.run_seed  # same random numbers: paired


def test_the_model_drops_the_scenario_object_mesa_3_5_passes_on_reset():
    model = DashboardModel(scenario_file=str(BASELINE), scenario=object(), rng=None)
    assert model.spec.name == "baseline" and model.overrides == {}


# --------------------------------------------------------------------------- runs


def test_the_picker_lists_scenarios_not_sweeps(short):
    files = scenario_choices(short)
    assert [Path(f).name for f in files] == ["baseline.yaml", "variant.yaml"]
    listed = scenario_choices(REPO / "scenarios")
    bundled = [Path(f).resolve().relative_to(REPO / "scenarios") for f in listed]
    assert bundled[0] == Path("baseline.yaml") and Path("history/hindcast_2017.yaml") in bundled
    assert not any(p.parts[0] == "sweeps" or p.name.startswith("calibrate") for p in bundled)


def test_the_reference_is_the_baseline_beside_the_file_when_it_pairs(short):
    variant = load_scenario(short / "variant.yaml")
    file, spec, note = reference_for(short / "variant.yaml", variant)
    assert Path(file).name == "baseline.yaml" and spec.name == "short" and "short" in note
    # another cast: the file itself, without the sliders
    taiwan = REPO / "scenarios" / "taiwan_strait.yaml"
    spec_t = load_scenario(taiwan)
    assert not same_frame(spec_t, load_scenario(BASELINE))
    file, spec, note = reference_for(taiwan, spec_t)
    assert file == str(taiwan) and spec is spec_t and "without the sliders" in note


def test_run_bands_pairs_the_settings_with_the_baseline(short):
    model = DashboardModel(scenario_file=str(short / "variant.yaml"), **{GRIEVANCE: 0.4})
    bands = run_bands(
        model.scenario_file, model.spec, model.base_spec, model.overrides, replications=6
    )
    m = bands.result.measures
    assert m["replication"].nunique() == 6 and m["step"].max() == 8
    assert bands.result.scenario.actors["USA"].doctrine.grievance == 0.4
    assert bands.reference.scenario.name == "short"
    seeds = bands.result.measures.groupby("replication")["seed"].first()
    ref_seeds = bands.reference.measures.groupby("replication")["seed"].first()
    assert seeds.equals(ref_seeds)  # common random numbers
    diff = bands.difference("balance")
    assert diff.names == ["short", "short variant"] and diff.replications == 6
    d = diff.differences()
    assert (d.loc[d["step"] == 0, "difference"].abs() < 1e-12).all()  # same start
    assert d.loc[d["step"] == 8, "difference"].abs().max() > 1e-4  # the settings moved it
    assert bands.difference("balance") is diff  # computed once
    assert bands.seconds > 0 and bands.overrides == {GRIEVANCE: 0.4}


def test_the_app_draws_bands_after_the_run(short):
    pytest.importorskip("solara")
    from matplotlib.collections import PolyCollection

    from sim.dashboard import app

    model = DashboardModel(scenario_file=str(short / "baseline.yaml"), **{GRIEVANCE: 0.4})
    model.step()
    watched = app.draw_balance(model, None)
    assert "watched replication" not in [line.get_label() for line in watched.axes[0].lines]
    assert "replication 0, step 1 of 8" in app.balance_caption(model, None)
    bands = run_bands(
        model.scenario_file, model.spec, model.base_spec, model.overrides, replications=5
    )
    fig = app.draw_balance(model, bands)
    top = fig.axes[0]
    shades = [c for c in top.collections if isinstance(c, PolyCollection)]
    assert len(shades) >= 2  # the 50 % and 90 % bands
    assert max(np.ptp(c.get_paths()[0].vertices[:, 1]) for c in shades) > 1e-4  # not flat
    assert "watched replication" in [line.get_label() for line in top.lines]
    assert "90 % of 5 replications" in app.balance_caption(model, bands)
    assert app.png(fig)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "same sign" in app.difference_caption(bands, "balance")
    assert bands.difference("balance").names == ["short", "these settings"]  # one file
    for draw in (
        lambda: app.draw_network(bands.result, 4),
        lambda: app.draw_actors(bands.result),
        lambda: app.draw_difference(bands, "capability.PRK"),
        lambda: app.draw_balance(model, bands, "security"),
    ):
        assert app.png(draw())[:4] == b"\x89PNG"
    assert app.settings_key(model) == (model.scenario_file, ((GRIEVANCE, 0.4),))


@pytest.mark.slow
def test_save_writes_the_folder_geosim_run_writes(short, tmp_path, cli):
    spec = load_scenario(short / "variant.yaml", overrides={GRIEVANCE: 0.4})
    saved = save_run(short / "variant.yaml", spec, tmp_path / "dash", {GRIEVANCE: 0.4}, 3)
    assert saved.path is not None and saved.path.parent == tmp_path / "dash" / "short_variant"
    done = cli(
        "run", short / "variant.yaml", "-n", "3", "--set", f"{GRIEVANCE}=0.4", "-q",
        "--out", tmp_path / "cli",
    )  # fmt: skip
    assert done.code == 0, done.err
    (by_cli,) = (tmp_path / "cli" / "short_variant").iterdir()

    def listing(folder: Path) -> list[str]:
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))

    assert listing(saved.path) == listing(by_cli)
    assert "plots/balance.png" in listing(saved.path)
    loaded = load_results(saved.path)
    assert loaded.scenario.actors["USA"].doctrine.grievance == 0.4
    manifest = json.loads((saved.path / "manifest.json").read_text())
    assert manifest["hash"] == json.loads((by_cli / "manifest.json").read_text())["hash"]
    assert f"--set {GRIEVANCE}=0.4" in manifest["command"] and "dashboard" in manifest["command"]
    np.testing.assert_array_equal(
        loaded.measures["balance"], load_results(by_cli).measures["balance"]
    )


# --------------------------------------------------------------------------- command line


def test_the_command_refuses_a_missing_scenario(cli, tmp_path):
    done = cli("dashboard", tmp_path / "none.yaml")
    assert done.code == 2 and "no such scenario file" in done.err
    assert len(done.err.strip().splitlines()) == 1


def test_the_command_refuses_a_bad_slider(cli):
    done = cli("dashboard", BASELINE, "--slider", "dyads.RUS-PRK.relation")
    assert done.code == 2
    assert done.err.startswith("--slider: dyads.RUS-PRK.relation") or "--slider" in done.err
    assert "doctrine or model" in done.err


def test_the_command_refuses_a_port_in_use(cli):
    pytest.importorskip("solara")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = cli("dashboard", BASELINE, "--port", str(port))
    assert done.code == 2 and "cannot listen on 127.0.0.1" in done.err and "--port 0" in done.err
