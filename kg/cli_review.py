"""`kg review`: serve the review pages on 127.0.0.1 (see kg.review.server); a thin click wrapper.

Exit status: 0 stopped with Ctrl-C or SIGTERM; 1 nothing built in OUT, or the port is taken; 2 bad
usage (another host than this machine's loopback address).
"""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click


@click.command("review")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("outputs"), show_default=True)
@click.option("--corpus", type=click.Path(path_type=Path, file_okay=False), default=Path("corpus"), show_default=True,
              help="Where the reports are: the report page shows their text as the user has it.")
@click.option("--curation", "curation_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("curation"), show_default=True, help="Where corrections are written (review.jsonl).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port on 127.0.0.1 (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Only 127.0.0.1 or localhost: the pages accept changes, so they never listen on a network.")
@click.option("--by", default=None, metavar="NAME", help="Who makes the corrections (written as \"by\" on each line).")
def review_cmd(out: Path, corpus: Path, curation_dir: Path, port: int, host: str, by: str | None):
    """Check facts against their sentences in a browser and correct them (written to CURATION;
    they take effect at the next `kg build`)."""
    from kg.review.server import NotLocal, make_server

    try:
        server = make_server(out, corpus, curation_dir, port=port, host=host, by=by)
    except NotLocal as exc:
        raise click.UsageError(str(exc)) from None
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (try --port)") from None

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    click.echo(f"kg review: {server.url} (corrections go to {curation_dir}; Ctrl-C stops)", err=True)
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
