"""Parameter declarations: checking, text parsing, JSON schema, command-line options, UI specs."""

import argparse

import pytest

from rnnvis.errors import ParamError, UserError
from rnnvis.params import LAYER, MODEL, SPLIT, Param, Params

K = Param("k", "int", None, min=2, max=30, help="clusters")
MODE = Param("mode", "str", "abs", choices=("abs", "signed"), help="sign mode")
UNITS = Param("units", "ints", None, min=0, max_items=3, help="units")


def test_check_normalises_and_names_the_parameter():
    assert K.check(None) is None and K.check(5) == 5 and K.check(5.0) == 5
    assert MODE.check(None) == "abs"
    assert UNITS.check([1, 2]) == (1, 2)
    with pytest.raises(ParamError, match=r"^k: got 31; expected an integer from 2 to 30$"):
        K.check(31)
    with pytest.raises(ParamError, match=r"^k: got True; expected an integer"):
        K.check(True)
    with pytest.raises(ParamError, match=r"mode: got 'sigend'; expected one of: abs, signed "
                                         r"\(did you mean 'signed'\?\)"):
        MODE.check("sigend")
    with pytest.raises(ParamError, match=r"units: got \[1, 2, 3, 4\]; expected a list of at most 3"):
        UNITS.check([1, 2, 3, 4])
    with pytest.raises(ParamError, match=r"^name: missing; expected 1-64 letters"):
        MODEL.check(None)
    with pytest.raises(ParamError, match=r"^name: got 'a/b'; expected 1-64 letters"):
        MODEL.check("a/b")
    assert issubclass(ParamError, UserError)


def test_parse_reads_query_and_command_line_text():
    assert K.parse("") is None and K.parse("7") == 7
    assert UNITS.parse("3,1") == (3, 1)
    assert Param("on", "bool", False).parse("true") is True
    assert Param("x", "float", 0.0, min=0.0).parse("0.5") == 0.5
    for bad, message in (("7.5", "k: got '7.5'"), ("x", "k: got 'x'"), ("1", "k: got 1")):
        with pytest.raises(ParamError, match=message):
            K.parse(bad)
    with pytest.raises(ParamError, match="units: got '1,,2'"):
        UNITS.parse("1,,2")
    long = "x" * 500
    with pytest.raises(ParamError) as exc:
        Param("t", "str", max_length=10).parse(long)
    assert len(str(exc.value)) < 120  # a long value is shortened, never echoed whole


def test_params_reject_unknown_names_with_a_hint():
    params = Params(SPLIT, LAYER, K)
    assert params.parse({"k": "3"}) == {"split": None, "layer": 0, "k": 3}
    with pytest.raises(ParamError, match=r"^layr: unknown parameter; allowed: split, layer, k "
                                         r"\(did you mean 'layer'\?\)$"):
        params.parse({"layr": "1"})
    assert params.parse({"other": "1"}, strict=False)["layer"] == 0
    with pytest.raises(ParamError, match="^txt: unknown field"):
        Params(Param("text", "str", required=True)).check({"txt": "a"})
    with pytest.raises(TypeError):
        Params(K, K)


def test_schema_and_ui_spec_carry_the_same_bounds():
    assert K.schema() == {"type": "integer", "minimum": 2, "maximum": 30}
    assert MODE.schema() == {"type": "string", "enum": ["abs", "signed"], "default": "abs"}
    assert UNITS.schema() == {"type": "array", "items": {"type": "integer", "minimum": 0},
                              "minItems": 1, "maxItems": 3}
    assert UNITS.openapi()["explode"] is False
    # an empty optional query value reads as absent, and the document says so
    assert MODE.openapi()["allowEmptyValue"] is True and MODE.parse("") == "abs"
    assert "allowEmptyValue" not in MODEL.openapi("path")
    # in a query string an empty value means absent, which the document says
    assert MODE.openapi()["schema"]["enum"] == ["abs", "signed", ""]
    assert MODE.openapi("path")["schema"]["enum"] == ["abs", "signed"]
    optional_name = Param("other", "str", None, pattern="[a-z]+")
    assert optional_name.openapi()["schema"]["pattern"] == "^(?:[a-z]+)?$"
    assert MODEL.openapi()["schema"]["pattern"] == MODEL.schema()["pattern"]   # required: no
    assert K.openapi()["allowEmptyValue"] is True and K.parse("") is None   # "?k=" is "no k"
    assert MODEL.schema()["pattern"].startswith("^[A-Za-z0-9]")
    assert K.to_json() == {"name": "k", "type": "int", "default": None, "help": "clusters",
                           "required": False, "min": 2, "max": 30}
    body = Params(Param("text", "str", required=True), MODE).body_schema()
    assert body["required"] == ["text"] and body["properties"]["mode"]["type"] == ["string", "null"]


def test_command_line_options_are_derived():
    parser = argparse.ArgumentParser(exit_on_error=False)
    Params(MODEL, K, MODE, Param("force", "bool", False)).add_arguments(parser, positional=("name",))
    ns = parser.parse_args(["lm", "--k", "4", "--force"])
    assert (ns.name, ns.k, ns.mode, ns.force) == ("lm", 4, "abs", True)
    with pytest.raises(argparse.ArgumentError, match="got 31; expected an integer from 2 to 30"):
        parser.parse_args(["lm", "--k", "31"])
    assert "--k" in parser.format_help() and "[abs, signed]" in parser.format_help()


def test_to_argv_is_read_back_by_the_derived_options():
    params = Params(Param("config", "str", required=True), K, UNITS, Param("force", "bool", False),
                    Param("resume", "bool", False))
    values = {"config": "--not-an-option.yaml", "k": 4, "units": (3, 1), "force": True}
    argv = params.to_argv(values)
    assert argv == ["--config=--not-an-option.yaml", "--k=4", "--units=3,1", "--force"]
    parser = argparse.ArgumentParser(exit_on_error=False)
    params.add_arguments(parser)
    assert params.from_namespace(parser.parse_args(argv)) == {
        "config": "--not-an-option.yaml", "k": 4, "units": (3, 1), "force": True, "resume": False}
    with pytest.raises(ParamError, match="^k: got 1; expected an integer from 2 to 30$"):
        params.to_argv({"config": "x", "k": 1})
