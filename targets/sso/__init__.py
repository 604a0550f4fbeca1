"""Single sign-on with the council's OpenID Connect identity provider (issue 20).

- `roles.py`: which roles a person has after signing in (pure rules over the mapping table).
- `client.py`: the provider, from the settings, through authlib (discovery, PKCE, state, nonce,
  ID token signature and claims).
- `services.py`: creating or updating the user and their roles on sign-in, in the audit trail.
- `backends.py`: the password backend that honours LOCAL_LOGIN, and the SSO sessions' backend.
- `views.py`, `urls.py`: the sign-in page, `/sso/login/`, `/sso/callback/`, sign-out.
- `admin.py`: the group mapping the performance team edits, and who signed in through SSO.
"""
