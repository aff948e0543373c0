"""`socialmaturity org list|export|erase` on a real database: what they print and write, the
confirmation by name, the audit log, bad input (exit 2, no traceback)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from socialmaturity.cli import cli
from socialmaturity.storage.tables import audit_log, organizations

from .conftest import PROFILE, northwind


def run(url, *args, input=None):
    return CliRunner().invoke(cli, [*map(str, args), "--database-url", url], input=input)


def test_list_export_erase(orgs, people, database_url, engine, tmp_path):
    owner = people["owner"]
    org_id, _, _ = northwind(orgs, owner)
    other = orgs.create(people["other"], "Beta BV", **PROFILE)
    listed = run(database_url, "org", "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].startswith(f"{other}\tBeta BV\t") and "rounds 0" in lines[0]
    assert lines[1].startswith(f"{org_id}\tNorthwind Software\t{owner.email}\trounds 2\t"
                               f"2026 (open)\t7/7 answered")
    failed = run(database_url, "org", "export", org_id, "-o", tmp_path / "no-folder" / "x.json")
    assert failed.exit_code == 2 and "does not exist" in failed.stderr  # and not audited
    out = tmp_path / "northwind.json"
    exported = run(database_url, "org", "export", org_id, "-o", out)
    assert exported.exit_code == 0, exported.output
    data = json.loads(out.read_text())
    assert data == {**orgs.export(None, org_id, dict), "exported_at": data["exported_at"]}
    printed = run(database_url, "org", "export", org_id)
    assert json.loads(printed.stdout)["organization"]["name"] == "Northwind Software"
    # erase asks for the name: none (the input ended) or a wrong one erases nothing
    for lang, message in (("en", "error: name: no name was typed; nothing was erased"),
                          ("nl", "fout: name: er is geen naam getypt; er is niets gewist")):
        ended = run(database_url, "org", "erase", org_id, "--lang", lang, input="")
        assert ended.exit_code == 2 and message in ended.stderr, ended.output
    wrong = run(database_url, "org", "erase", org_id, input="Northwind\n")
    assert wrong.exit_code == 2 and "nothing was erased" in wrong.stderr
    assert "Traceback" not in wrong.output
    erased = run(database_url, "org", "erase", org_id, input="Northwind Software\n")
    assert erased.exit_code == 0, erased.output
    assert f"erased organization {org_id}" in erased.stdout
    with engine.connect() as conn:
        assert conn.execute(select(organizations.c.id)).scalars().all() == [other]
        entries = conn.execute(select(audit_log.c.action, audit_log.c.organization_id,
                                      audit_log.c.user_id, audit_log.c.detail)
                               .where(audit_log.c.organization_id.is_not(None))
                               .order_by(audit_log.c.id)).all()
    # each export written and the erasure, by the command line (no account)
    assert [tuple(e) for e in entries] == [("export", org_id, None, "command line")] * 3 + [
        ("erase", org_id, None, "command line")]
    assert run(database_url, "org", "erase", other, "--yes").exit_code == 0


def test_bad_input(database_url):
    for args in (("org", "export", "12"), ("org", "erase", "12", "--yes"),
                 ("org", "export", "x")):
        res = run(database_url, *args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output
    res = run(database_url, "org", "export", "12", "--lang", "nl")
    assert res.exit_code == 2 and "geen organisatie met dit id" in res.output


def test_list_and_export_in_dutch(orgs, people, database_url, tmp_path):
    empty = run(database_url, "org", "list", "--lang", "nl")
    assert empty.exit_code == 0 and empty.stderr == "geen organisaties\n"
    assert run(database_url, "org", "list").stderr == "no organizations\n"
    owner = people["owner"]
    org_id, _, _ = northwind(orgs, owner)
    listed = run(database_url, "org", "list", "--lang", "nl")
    assert listed.stdout.startswith(f"{org_id}\tNorthwind Software\t{owner.email}\trondes 2\t"
                                    f"2026 (open)\t7/7 beantwoord")
    out = tmp_path / "northwind.json"
    exported = run(database_url, "org", "export", org_id, "-o", out, "--lang", "nl")
    assert exported.exit_code == 0 and exported.stderr == f"{out} geschreven\n"
