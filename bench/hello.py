"""The hello-world Typer app (one command, one option) that issue 13's start-up ratios divide by."""

import typer

app = typer.Typer()


@app.command()
def hello(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Greet someone."""
    typer.echo(f"Hello {name}!")


if __name__ == "__main__":
    app()
