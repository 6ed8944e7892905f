"""Who may do what: members ask, trainers build quizzes, organizers change the library (and do all the rest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["member", "trainer", "organizer"]
ROLES: tuple[Role, ...] = ("member", "trainer", "organizer")
ROLE_LABELS: dict[str, str] = {"member": "委员", "trainer": "培训管理员", "organizer": "资料库管理员"}


@dataclass(frozen=True)
class User:
    name: str
    role: Role

    def can(self, *roles: str) -> bool:
        """Organizers can do everything; the others only what their own role allows."""
        return self.role == "organizer" or self.role in roles
