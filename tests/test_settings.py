"""The one typed settings object (core/settings.py): types, sources, masking, hand-over."""

from __future__ import annotations

import pytest

from socialmaturity.core import settings as core
from socialmaturity.core.settings import Settings, SettingsError, declared, setting


def test_values_come_typed_from_flags_then_environment_then_defaults():
    env = {"SOCIALMATURITY_MIN_GROUP_SIZE": "12", "SOCIALMATURITY_LANG": "nl"}
    s = Settings.from_env(env)
    assert s.min_group_size == 12 and s.lang == "nl" and s.panel is None
    assert Settings.from_env(env, lang="en", panel=None).lang == "en"  # a flag wins
    assert Settings.from_env({}).min_group_size == core.MIN_GROUP_SIZE == 30
    assert Settings.from_env({"SOCIALMATURITY_PANEL": "  "}).panel is None  # empty: not set


@pytest.mark.parametrize("env, where, says", [
    ({"SOCIALMATURITY_MIN_GROUP_SIZE": "0"}, "SOCIALMATURITY_MIN_GROUP_SIZE", "at least 1"),
    ({"SOCIALMATURITY_HEADER_TIMEOUT": "1.5"}, "SOCIALMATURITY_HEADER_TIMEOUT", "whole number"),
    ({"SOCIALMATURITY_LANG": "fr"}, "SOCIALMATURITY_LANG", "valid: en, nl"),
])
def test_a_bad_value_names_its_variable_and_what_is_valid(env, where, says):
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.problems[0].where == where and says in str(raised.value)


def test_values_given_in_code_are_checked_too():
    with pytest.raises(SettingsError, match="--max-header-kb"):
        Settings(max_header_kb=-1)
    assert Settings(min_group_size="7").min_group_size == 7


def test_secrets_are_masked_wherever_settings_are_shown():
    s = Settings(database_url="postgresql+psycopg://app:pa@ss@db:5432/sm")
    assert setting("database_url").secret
    for shown in (repr(s), str(s), dict((x.name, v) for x, v in s.shown())["database_url"]):
        assert "pa@ss" not in shown and "app:***@db:5432/sm" in shown
    assert s.database_url.endswith("pa@ss@db:5432/sm")  # the value itself is whole


def test_the_workers_get_the_settings_serve_hands_them(monkeypatch):
    monkeypatch.setenv(core.WORKER_SETTINGS, "")  # restored (removed) after the test
    given = Settings(header_timeout=2, database_url="sqlite:////tmp/x.sqlite", lang="nl")
    monkeypatch.setenv("SOCIALMATURITY_HEADER_TIMEOUT", "9")  # the flags win over this
    given.export()
    assert Settings.from_env() == given
    assert core.current().header_timeout == 2
    with core.use(Settings(header_timeout=5)):
        assert core.current().header_timeout == 5
    assert core.current().header_timeout == 2


def test_every_setting_is_declared_once_with_help_and_variable():
    names = [s.name for s in declared()]
    assert len(names) == len(set(names))
    for s in declared():
        assert s.help.strip() and s.env == "SOCIALMATURITY_" + s.name.upper()
        assert s.flag == "--" + s.name.replace("_", "-")
