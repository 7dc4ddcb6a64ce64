"""Who may open a staff page: one decorator on every staff route, and the login cookie check."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from startsmart.extensions import login_manager
from startsmart.staff import sessions
from startsmart.staff.models import Role, StaffUser

F = TypeVar("F", bound=Callable[..., Any])


def staff_required(*roles: Role) -> Callable[[F], F]:
    """Require a logged-in staff member; with ``roles``, one of them (admins pass every check).

    Anonymous visitors are sent to the login page; logged-in staff without the role get 403.
    The roles are kept on the view so a test can prove every staff route carries this decorator.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded.staff_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def may_open(endpoint: str) -> bool:
    """The page's own role check decides, so a link never leads where the role gets 403."""
    roles = getattr(current_app.view_functions[endpoint], "staff_roles", ())
    return current_user.has_role(*roles) if roles else True


def init_login_manager() -> None:
    login_manager.login_view = "staff.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The account whose session the cookie names, while that session was not ended on the
    server (staff.sessions); its login time goes to ``g`` for the lifetime check (idle.py)."""
    token = session.get(sessions.SESSION_KEY)
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    found = sessions.find_open(int(user_id), token)
    if found is None:
        return None
    user, staff_session = found
    g.staff_session_started_at = staff_session.started_at
    return user
