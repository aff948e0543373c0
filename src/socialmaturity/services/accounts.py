"""Accounts: who is acting. Facilitators, viewers and admins log in with e-mail and password
(or an API token); respondents have no account (their private link is their key).

Every service that acts on organizations takes the :class:`Actor` first and checks access
itself, so the web pages, the JSON API and the command line obey the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The roles an account can have.
ROLES = ("admin", "facilitator", "viewer")


@dataclass(frozen=True)
class Actor:
    """A logged-in account: its id, e-mail and role (``admin``, ``facilitator``, ``viewer``)."""

    user_id: int
    email: str
    role: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"
