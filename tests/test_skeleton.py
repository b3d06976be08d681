"""The package's foundations: version, public API, command line, app factory."""

import subprocess
import sys

from click.testing import CliRunner

import cap_ptce
from cap_ptce import errors
from cap_ptce.cli import cli


def test_all_lists_what_the_package_exports():
    for name in cap_ptce.__all__:
        assert hasattr(cap_ptce, name), name
    public_errors = {name for name in dir(errors) if name.endswith("Error")}
    assert public_errors <= set(cap_ptce.__all__)


def test_every_error_derives_from_the_base():
    classes = [getattr(errors, name) for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    functions = {name for name in errors.__all__ if not isinstance(getattr(errors, name), type)}
    assert functions == {"together", "is_damage"}  # one ties an input's errors together, one tells RocksDB's word
    for kind in classes:
        assert issubclass(kind, errors.CapPtceError)


def test_error_says_where_and_what_to_do():
    exc = errors.UnknownKeyError("unknown key 'nomm'", source="p.yaml", line=3, hint="did you mean 'nom'?")
    assert str(exc) == "p.yaml:3: unknown key 'nomm' (did you mean 'nom'?)"
    assert exc.to_dict()["line"] == 3


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "cap_ptce", "--version"], capture_output=True, text=True)
    assert out.returncode == 0
    assert cap_ptce.__version__ in out.stdout


def test_each_app_is_fresh(app):
    from cap_ptce.web import create_app

    other = create_app({"TESTING": True, "QUERY_TIMEOUT": 1.5})
    assert other.config["QUERY_TIMEOUT"] == 1.5
    assert app.config["QUERY_TIMEOUT"] == 5.0


def test_environment_overrides_a_setting(monkeypatch):
    from cap_ptce.web import create_app

    monkeypatch.setenv("CAP_PTCE_MAX_RESULT_ROWS", "42")
    assert create_app({"TESTING": True}).config["MAX_RESULT_ROWS"] == 42


def test_the_lazy_command_table_names_every_command_of_every_module():
    import importlib
    import pkgutil

    from cap_ptce import cli as cli_package

    defined = {}
    for info in pkgutil.iter_modules(cli_package.__path__):
        module = importlib.import_module(f"cap_ptce.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            defined[command.name] = info.name
    assert defined == cli_package.COMMAND_MODULES


def test_help_lists_every_command(cap_ptce):
    from cap_ptce.cli import COMMAND_MODULES

    result = cap_ptce("--help")
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in result.output


def test_an_unknown_command_exits_2_and_names_it(cap_ptce):
    result = CliRunner().invoke(cli, ["valdate"])
    assert result.exit_code == 2
    assert "valdate" in result.output
