"""`servir-pm`: the command line. Thin: each command calls one stage module."""

from __future__ import annotations

import typer

app = typer.Typer(help="SERVIR public-manager analytics: ingest, validate, build, report.",
                  no_args_is_help=True, add_completion=False)


@app.command()
def version() -> None:
    """Print the package version."""
    from pipelines import __version__

    typer.echo(__version__)


if __name__ == "__main__":
    app()
