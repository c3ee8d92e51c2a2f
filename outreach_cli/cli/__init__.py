"""The command line: Typer commands only (parse, call the core, render)."""
