"""Every setting, declared once: name, environment variable, default, help.

The command line's options and ``socialmaturity settings`` are derived from this table, and a
test fails when a setting is missing from the README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int | None
    help: str

    @property
    def env(self) -> str:
        return "SOCIALMATURITY_" + self.name.upper().replace("-", "_")


SETTINGS = (
    Setting("instrument", "social-maturity",
            "Instrument to use: the id of a bundled instrument or the path of a YAML file."),
    Setting("panel", None,
            "Benchmark panel: a CSV in the batch layout, or a .npz made by `panel build`. "
            "Empty: the synthetic demo panel."),
    Setting("min-group-size", 30,
            "Smallest peer group shown; smaller groups are widened (sector + size, sector, all)."),
    Setting("lang", "en", "Language of texts and reports: en or nl."),
    Setting("database-url", None,
            "Database of the web app: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB. "
            "Empty: socialmaturity.sqlite in the current folder."),
    Setting("max-header-kb", 16,
            "Largest request head (request line and headers, kB) the web app reads; a larger "
            "one gets 431."),
    Setting("header-timeout", 10,
            "Seconds a client has to send a request's headers before the connection is closed."),
    Setting("xlsx-max-unpacked-mb", 200,
            "Largest XLSX workbook read, unpacked (MB): a small file can unpack to gigabytes "
            "(a zip bomb); checked before parsing."),
    Setting("xlsx-max-cells", 2_000_000,
            "Most cells an XLSX workbook may hold (all sheets), counted before parsing."),
)


def get(name: str) -> str | int | None:
    """The setting's value from the environment, else its default (typed like the default)."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = os.environ.get(setting.env)
    if raw is None or raw == "":
        return setting.default
    if isinstance(setting.default, int):
        return int(raw)
    return raw
