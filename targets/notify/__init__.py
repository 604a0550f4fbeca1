"""The notifications engine: every deadline reaches its owner (issue 20).

- `rules.py`: the pure date rules (due soon, late, escalated; approaching, past; sign-off).
- `kinds.py`: the registry: each app's `notices` module (found at run time through the app
  registry, as `load_demo` finds each app's `demo`) declares its kinds and collects what stands.
- `engine.py`: raising and resolving notices, building each person's daily digest, sending it.
- `mail.py`: the digest e-mail (plain text and HTML).
- `views.py`, `urls.py`, `forms.py`: the preferences page; the list on "My work" is the
  `targets/notify/_notices.html` partial through the `notify` template tags.
"""
