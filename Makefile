# socialmaturity: `make run` sets everything up and starts the main job; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test bench lint clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "socialmaturity needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/socialmaturity serve

test: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/run_all.py

# The texts to translate: tr(lang, MSGID), ntr(lang, SINGULAR, PLURAL, n), ptr(lang, CONTEXT,
# MSGID) in Python; t(MSGID) and nt(SINGULAR, PLURAL, n) in templates; for errors
# Problem(where, MSGID), Message(MSGID), Counted(SINGULAR, PLURAL, n), and the helpers
# fail(where, MSGID) and _fail(where, MSGID) (the table and export readers) and add(path,
# MSGID) (the instrument checker).
MESSAGE_KEYWORDS := tr:2 ntr:2,3 ptr:2c,3 t:1 Problem:2 Message:1 Counted:1,2 _fail:2 fail:2 add:2 nt:1,2 help:1 _setting:2 output_option:2 table_output:1
LOCALES := src/socialmaturity/i18n/locales

# Extract every text into the template (.pot), fold any extra .po files of a language into
# its socialmaturity.po, and update the catalogs: new texts appear untranslated (or fuzzy, with
# a guess from a similar old text), removed ones go.
messages: install
	$(VENV)/bin/pybabel --quiet extract -F babel.cfg --no-default-keywords \
	  $(foreach k,$(MESSAGE_KEYWORDS),-k $(k)) --add-location=file --no-wrap \
	  --project=socialmaturity --omit-header -o $(LOCALES)/socialmaturity.pot src/socialmaturity
	$(PY) -m socialmaturity.i18n.fold $(LOCALES)
	$(VENV)/bin/pybabel --quiet update -i $(LOCALES)/socialmaturity.pot -d $(LOCALES) \
	  -D socialmaturity --no-wrap --ignore-obsolete --ignore-pot-creation-date
	@$(PY) -m socialmaturity.i18n.fold --report $(LOCALES)

lint: install
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
