"""Front-end packages from the npm registry (node_modules/, installed by `npm ci` from the lock file),
served under /vendor/<package>/<path> — only the packages listed here, never the whole folder."""

from __future__ import annotations

from flask import Flask, abort, send_from_directory

PACKAGES = {"bpmn-js": "dist", "htmx.org": "dist"}


def init_app(app: Flask) -> None:
    from config.settings import PROJECT_ROOT

    root = PROJECT_ROOT / "node_modules"

    @app.route("/vendor/<package>/<path:filename>")
    def vendor(package: str, filename: str):
        folder = PACKAGES.get(package)
        if folder is None:
            abort(404)
        response = send_from_directory(root / package / folder, filename, max_age=86400)
        return response
