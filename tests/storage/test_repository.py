"""The assessment store on SQLite and PostgreSQL: every test runs on both, each on a fresh
database of its own."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from socialmaturity.storage.database import RespondentNotFound, StorageError
from socialmaturity.storage.repository import AssessmentStore, NewRespondent, token_hash
from socialmaturity.storage.tables import answers, metadata, respondents

INSTRUMENT = {"instrument_id": "social-maturity", "instrument_version": "1.2.0",
              "instrument_hash": "sha256:" + "ab" * 32}


def start(store: AssessmentStore, organization: str = "Acme", language: str = "en"
          ) -> NewRespondent:
    return store.create(organization=organization, round_name="2025", language=language,
                        **INSTRUMENT)


def answer_count(store: AssessmentStore) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(answers)).scalar_one()


def test_create_then_find(store):
    new = start(store, organization="Gemeente Utrecht", language="nl")
    assert len(new.token) >= 43  # 32 random bytes, URL-safe base64
    found = store.find(new.token)
    assert found is not None
    assert (found.respondent_id, found.assessment_id, found.organization_id, found.round_id) == (
        new.respondent_id, new.assessment_id, new.organization_id, new.round_id)
    assert found.organization == "Gemeente Utrecht"
    assert found.round_name == "2025"
    assert (found.instrument_id, found.instrument_version, found.instrument_hash) == (
        "social-maturity", "1.2.0", "sha256:" + "ab" * 32)
    assert found.language == "nl"
    assert found.status == "open" and not found.completed
    assert found.completed_at is None
    assert found.created_at.tzinfo is not None and found.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - found.created_at).total_seconds()) < 60
    assert found.updated_at == found.created_at
    assert store.get(new.respondent_id) == found


@pytest.mark.parametrize("token", ["", "nope", "x" * 43, "' OR 1=1 --"])
def test_unknown_token_is_none(store, token):
    start(store)
    assert store.find(token) is None


def test_unknown_ids_are_not_found(store):
    start(store)
    assert store.get(999_999) is None
    for call in (lambda: store.save_answers(999_999, {"q": "a"}),
                 lambda: store.answers(999_999),
                 lambda: store.answers("no-such-token"),
                 lambda: store.complete(999_999)):
        with pytest.raises(RespondentNotFound):
            call()
    assert answer_count(store) == 0


def test_a_respondent_without_answers_has_none(store):
    new = start(store)
    assert store.answers(new.respondent_id) == {}
    assert store.answers(new.token) == {}
    store.save_answers(new.respondent_id, {"sector": "public"})
    assert store.answers(new.respondent_id) == {"sector": "public"}


VALUES = {
    "sector": "public",
    "channels": ["linkedin", "instagram", "tiktok"],
    "no-channels": [],
    "employees": 250,
    "budget": 12500.75,
    "negative": -3,
    "flag": True,
    "free-text": "Wij gebruiken ‘sociale media’ — voor <script>alert('x')</script> & \"meer\" 🎉",
    "newlines": "line 1\nline 2\ttab \\ backslash",
    "dont-know": "dont_know",
}


def test_answers_round_trip_every_value_type(store):
    new = start(store)
    store.save_answers(new.respondent_id, VALUES)
    got = store.answers(new.respondent_id)
    assert got == VALUES
    assert type(got["employees"]) is int and type(got["budget"]) is float
    assert store.answers(new.token) == VALUES


def test_save_overwrites_and_none_deletes(store):
    new = start(store)
    store.save_answers(new.respondent_id, {"a": "one", "b": ["x"], "c": 3})
    store.save_answers(new.respondent_id, {"a": "two", "b": None, "d": 4.5})
    assert store.answers(new.respondent_id) == {"a": "two", "c": 3, "d": 4.5}
    store.save_answers(new.respondent_id, {"zzz": None})  # deleting nothing is fine
    assert store.answers(new.respondent_id) == {"a": "two", "c": 3, "d": 4.5}
    assert answer_count(store) == 3


def test_save_bumps_updated_at(store):
    new = start(store)
    before = store.find(new.token)
    at = store.save_answers(new.respondent_id, {"a": "x"})
    after = store.find(new.token)
    assert at.tzinfo is not None
    assert after.updated_at == at
    assert after.updated_at >= before.updated_at
    assert after.created_at == before.created_at


@pytest.mark.parametrize("bad", [
    {"q" * 101: "too long an id"},        # refused by the database (VARCHAR(100) / CHECK)
    {"": "empty id"},                    # refused by the database (CHECK)
])
def test_a_failing_batch_writes_nothing(store, bad):
    new = start(store)
    store.save_answers(new.respondent_id, {"a": "kept", "b": "kept"})
    before = store.find(new.token)
    batch = {"a": "changed", "b": None, "c": "new", **bad, "z": "after"}
    with pytest.raises(StorageError):
        store.save_answers(new.respondent_id, batch)
    assert store.answers(new.respondent_id) == {"a": "kept", "b": "kept"}
    assert store.find(new.token).updated_at == before.updated_at


def test_a_value_that_is_not_json_writes_nothing(store):
    new = start(store)
    store.save_answers(new.respondent_id, {"a": "kept"})
    for bad in (object(), {1, 2}, float("nan"), float("inf")):
        with pytest.raises(StorageError, match="'b'"):
            store.save_answers(new.respondent_id, {"a": "changed", "b": bad, "c": "new"})
    assert store.answers(new.respondent_id) == {"a": "kept"}


def test_an_invalid_language_writes_nothing(store):
    new = start(store)
    with pytest.raises(StorageError):
        store.create(organization="Other", round_name="", language="toolong", **INSTRUMENT)
    assert store.find(new.token).language == "en"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM organizations")).scalar_one() == 1


def test_two_organizations_are_separate(store):
    a, b = start(store, "A"), start(store, "B")
    assert len({a.organization_id, b.organization_id}) == 2
    assert len({a.assessment_id, b.assessment_id}) == 2
    assert store.find(a.token).organization == "A"
    assert store.find(b.token).organization == "B"


def test_complete(store):
    new = start(store)
    done = store.complete(new.respondent_id)
    found = store.find(new.token)
    assert found.status == "completed" and found.completed
    assert found.completed_at == done
    assert store.complete(new.respondent_id) == done  # the first completion stays


def test_the_token_is_never_stored(store, database_url):
    new = start(store)
    store.save_answers(new.respondent_id, {"a": "x"})
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                assert all(new.token not in str(value) for value in row), table.name
        stored = conn.execute(select(respondents.c.token_hash)).scalar_one()
    assert stored == token_hash(new.token)
    if database_url.startswith("sqlite:///"):
        store.engine.dispose()
        path = Path(database_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):  # the database, -wal and -shm
            assert new.token.encode() not in file.read_bytes()


def test_writes_are_visible_to_another_engine(store, database_url):
    """Committed when the method returns: a second engine (another process) sees it."""
    from socialmaturity.storage.database import make_engine

    new = start(store)
    store.save_answers(new.respondent_id, {"a": ["x", "y"]})
    other = make_engine(database_url)
    try:
        assert AssessmentStore(other).answers(new.token) == {"a": ["x", "y"]}
    finally:
        other.dispose()


def test_concurrent_respondents_all_land(store):
    threads, per_thread = 20, 45
    starts = [start(store, organization=f"org {i}") for i in range(threads)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(new: NewRespondent) -> None:
        try:
            barrier.wait(timeout=30)
            for k in range(per_thread):
                store.save_answers(new.respondent_id, {f"q{k:02d}": [k, new.respondent_id]})
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    pool = [threading.Thread(target=work, args=(new,)) for new in starts]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors[:3]
    assert answer_count(store) == threads * per_thread
    for new in starts:
        got = store.answers(new.respondent_id)
        assert got == {f"q{k:02d}": [k, new.respondent_id] for k in range(per_thread)}


def test_concurrent_saves_of_one_respondent_all_land(store):
    new = start(store)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for k in range(10):
                store.save_answers(new.respondent_id, {f"t{i}-{k}": i, "shared": i})
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    pool = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not errors, errors[:3]
    got = store.answers(new.respondent_id)
    assert len(got) == 8 * 10 + 1
    assert got["shared"] in range(8)
