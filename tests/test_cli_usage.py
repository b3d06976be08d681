"""A mistyped command line is answered in both languages, as every other error of the command line is.

Click words its own refusals in English only (« Invalid value for '--format' »);
a carrier who reads French met them at the first typo.
"""

from __future__ import annotations

import click
import pytest

from cap_ptce.cli import main


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (
            ["dossier", "x.yaml", "--format", "docx"],
            "valeur refusée pour « --format » : l'une de html, pdf, md",
            "'docx' is not one of 'html', 'pdf', 'md'",
        ),
        (["validate", "--lang", "de", "x.yaml"], "valeur refusée pour « --lang » : l'une de fr, en", "'de'"),
        (["load", "corpus", "--store", "s", "--jobs", "0"], "valeur refusée pour « --jobs » : un entier", "0 is"),
        (["load", "corpus"], "il manque l'option « --store »", "Missing option '--store'"),
        (["convert", "x.yaml"], "il manque l'option « --to » : l'une de yaml, turtle, json-ld", "Choose from"),
        (["validate"], "il manque l'argument « FILE_OR_DIR... »", "Missing argument"),
        (["validate", "--nope", "x.yaml"], "option inconnue « --nope »", "No such option '--nope'"),
        (
            ["validate", "--langue", "fr", "x.yaml"],
            "option inconnue « --langue » : voulez-vous dire « --engine » ou « --lang » ?",
            "Did you mean one of",
        ),
        (["load", "corpus", "--store"], "l'option « --store » attend une valeur", "requires an argument"),
        (
            ["generate", "-3"],
            "option inconnue « -3 » : un nombre négatif n'est pas une valeur possible",
            "a negative number",
        ),
        (["--lang", "fr", "grid"], "les options se donnent après le nom de la commande", "options come after"),
        (
            ["publish", "site", "--corpus", "pas-de-tel-dossier"],
            "valeur refusée pour « --corpus » : ce chemin n'existe pas",
            "'pas-de-tel-dossier' does not exist",
        ),
        (["frobnicate"], "commande inconnue « frobnicate »", "No such command 'frobnicate'"),
        (["grid", "en", "trop"], "argument en trop : en trop", "unexpected extra arguments (en trop)"),
    ],
)
def test_a_mistyped_command_line_is_told_in_both_languages(capsys, args, french, english):
    code, err = run(capsys, *args)
    assert code == 2
    message = next(line for line in err.splitlines() if line.startswith("Erreur : "))
    assert french in message.split(" / ", 1)[0]
    assert english in message.split(" / ", 1)[1]
    assert "Error:" not in err  # click's own English line is not printed beside ours
    assert "Traceback" not in err


def test_the_usage_and_where_to_find_help_come_first(capsys):
    code, err = run(capsys, "dossier", "x.yaml", "--format", "docx")
    usage, helping, _blank, error = err.splitlines()[:4]
    assert usage == "Usage: cap-ptce dossier [OPTIONS] FILE"
    assert helping == "Aide / help: cap-ptce dossier --help"
    assert error.startswith("Erreur : ")


def test_the_command_alone_shows_its_help(capsys):
    code = main([])
    captured = capsys.readouterr()
    help_text = captured.out + captured.err
    assert "Commands:" in help_text and "validate" in help_text
    assert "Erreur" not in help_text and "Traceback" not in help_text
    # as click ends a group called with nothing: 2 since click 8.2, 0 before
    assert code == (2 if hasattr(click.exceptions, "NoArgsIsHelpError") else 0)


def test_the_version_and_the_help_still_exit_cleanly(capsys):
    assert main(["--version"]) == 0
    assert "cap-ptce" in capsys.readouterr().out
    assert main(["validate", "--help"]) == 0
    assert "Usage: cap-ptce validate" in capsys.readouterr().out
