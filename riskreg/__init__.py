"""riskreg: the register of data processors, transfers and DPIAs of a public body."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: str | type | Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    ``config`` is a name from ``config.CONFIGS`` ("development", "testing", "production"), a config class,
    or a mapping of settings laid over the testing config.
    """
    from config import CONFIGS, TestingConfig

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    if isinstance(config, Mapping):
        app.config.from_object(TestingConfig)
        app.config.update(config)
    else:
        config_class = (
            CONFIGS[config or "development"] if config is None or isinstance(config, str) else config
        )
        validate = getattr(config_class, "validate", None)
        if validate is not None:
            validate()
        app.config.from_object(config_class)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).parent / "translations"))

    from riskreg.auth import passwords

    passwords.configure(app.config["PASSWORD_HASH_PROFILE"])
    _init_extensions(app)
    _register_blueprints(app)

    from riskreg import security, templating

    security.init_app(app)
    templating.init_app(app)

    from riskreg.cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from riskreg import models  # noqa: F401  (complete the mappers)
    from riskreg.extensions import babel, csrf, db, limiter, login_manager
    from riskreg.i18n import select_locale
    from riskreg.transfers import tracking

    # Every change that can move a transfer's class re-classifies before its transaction commits.
    tracking.listen()

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from riskreg.agreements.views import bp as agreements_bp
    from riskreg.auth.views import bp as auth_bp
    from riskreg.bodies.views import bp as bodies_bp
    from riskreg.countries.views import bp as countries_bp
    from riskreg.dpia.agenda_views import bp as agenda_bp
    from riskreg.dpia.decision_views import bp as decisions_bp
    from riskreg.dpia.measure_views import bp as measures_bp
    from riskreg.dpia.views import bp as dpia_bp
    from riskreg.exports.views import bp as exports_bp
    from riskreg.history.views import bp as history_bp
    from riskreg.imports.views import register_routes as import_routes
    from riskreg.main.views import bp as main_bp
    from riskreg.scenarios.views import bp as scenarios_bp
    from riskreg.subprocessors.views import bp as subprocessors_bp
    from riskreg.systems.views import bp as systems_bp
    from riskreg.vendors.views import bp as vendors_bp

    for bp in (
        main_bp,
        auth_bp,
        vendors_bp,
        subprocessors_bp,
        agreements_bp,
        systems_bp,
        countries_bp,
        scenarios_bp,
        dpia_bp,
        measures_bp,
        decisions_bp,
        agenda_bp,
        bodies_bp,
        history_bp,
        exports_bp,
        import_routes(),
    ):
        app.register_blueprint(bp)
