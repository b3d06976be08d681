"""A command line click refuses (an unknown option, a value out of its choices…), told in both languages.

Click words these refusals in English only; every other error of the command
line is told in French, then in English. :func:`show_usage_error` prints the
command's usage, where its help is, and one line: what was wrong in French,
then click's own English words, which name the value refused.
"""

from __future__ import annotations

import click

__all__ = ["show_usage_error"]

# click 8.2's refusal of a group called with no command, whose message is the help (none before 8.2)
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def show_usage_error(exc: click.UsageError) -> None:
    """Print ``exc`` on the standard error: the usage, where the help is, then « Erreur : français / English ».

    A command given nothing that shows its help then (``cap-ptce`` alone) shows it, as click does.
    """
    if isinstance(exc, _NO_ARGS_IS_HELP):
        exc.show()
        return
    ctx = exc.ctx
    if ctx is not None:
        helping = ctx.command.get_help_option(ctx)
        click.echo(ctx.get_usage(), err=True)
        if helping is not None:
            click.echo(f"Aide / help: {ctx.command_path} {max(helping.opts, key=len)}", err=True)
        click.echo(err=True)
    english = exc.format_message()
    why = _why_unknown(exc) if isinstance(exc, click.NoSuchOption) and not exc.possibilities else None
    if why:
        english += " " + why[1]
    click.echo(f"Erreur : {french(exc)} / {english}", err=True)


def _why_unknown(exc: click.NoSuchOption) -> tuple[str, str] | None:
    """Why an option may be unknown, in French and English, when the way it is written tells."""
    if exc.option_name.lstrip("-").replace(".", "", 1).isdigit():  # generate -3
        return "un nombre négatif n'est pas une valeur possible ici", "(a negative number is no possible value here)"
    if exc.ctx is not None and isinstance(exc.ctx.command, click.Group):  # cap-ptce --lang fr grid
        return (
            "les options se donnent après le nom de la commande (cap-ptce grid --lang fr)",
            "(options come after the command's name: cap-ptce grid --lang fr)",
        )
    return None


def french(exc: click.UsageError) -> str:
    """What ``exc`` says, in French (click's message stays beside it, in English)."""
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
        what = {"option": "l'option", "argument": "l'argument"}.get(kind, "le paramètre")
        choices = getattr(getattr(exc.param, "type", None), "choices", None)
        among = " : l'une de " + ", ".join(map(str, choices)) if choices else ""
        return f"il manque {what} « {_hint(exc)} »{among}"
    if isinstance(exc, click.BadParameter):
        return f"valeur refusée pour « {_hint(exc)} »{_expected(exc)}"
    if isinstance(exc, click.NoSuchOption):
        said = f"option inconnue « {exc.option_name} »"
        if exc.possibilities:
            said += " : voulez-vous dire " + " ou ".join(f"« {name} »" for name in sorted(exc.possibilities)) + " ?"
        else:
            why = _why_unknown(exc)
            said += f" : {why[0]}" if why else ""
        return said
    if isinstance(exc, click.BadOptionUsage) and "requires an argument" in exc.message:
        return f"l'option « {exc.option_name} » attend une valeur"
    if exc.message.startswith("No such command"):
        name = exc.message.split("'", 2)[1] if exc.message.count("'") >= 2 else ""
        return f"commande inconnue « {name} » (cap-ptce --help les liste toutes)"
    if exc.message.startswith("Got unexpected extra argument"):
        extra = exc.message.partition("(")[2].rstrip(")")
        return f"argument en trop : {extra}"
    return "la ligne de commande n'est pas comprise"


def _hint(exc: click.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
        return " / ".join(hint) if not isinstance(hint, str) else hint
    if exc.param is not None:
        return exc.param.get_error_hint(exc.ctx).strip("'")
    return "?"


def _expected(exc: click.BadParameter) -> str:
    """What the parameter takes, when its type says it in a few words."""
    kind = getattr(exc.param, "type", None)
    if isinstance(kind, click.Choice):
        return " : l'une de " + ", ".join(str(choice) for choice in kind.choices)
    if isinstance(kind, click.IntRange):
        low = "" if kind.min is None else f" ≥ {kind.min}"
        high = "" if kind.max is None else f" ≤ {kind.max}"
        return f" : un entier{low}{' et' if low and high else ''}{high}"
    if isinstance(kind, click.Path) and "does not exist" in exc.message:
        return " : ce chemin n'existe pas"
    return ""
