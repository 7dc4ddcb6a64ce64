"""The ``startsmart`` console script: Flask's CLI bound to this app, usable from any directory.

``startsmart db upgrade``, ``startsmart staff create``, ``startsmart run`` …
"""

from flask.cli import FlaskGroup

from startsmart import create_app

cli = FlaskGroup(create_app=lambda: create_app(), help="Start Smart administration.")


def main() -> None:
    cli.main()
