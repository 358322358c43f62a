"""Exception classes of the access package: every refusal has its own class and a message that
says what was refused and what would be accepted. Nothing here touches state."""

from __future__ import annotations


class AccessError(Exception):
    """Base class of every refusal or failure raised by the access package."""


class UnknownEntityError(AccessError, LookupError):
    """An organization, user, request, grant or token id does not exist."""


class OrganizationError(AccessError, ValueError):
    """An organization is inconsistent (unknown NBS division code)."""


class PermissionDenied(AccessError):
    """The acting user's organization or role may not perform this step."""


class SeparationOfDutiesError(PermissionDenied):
    """A user tried to review or decide a request they filed themselves."""


class ClassificationError(AccessError, ValueError):
    """A request asks for more than the dataset's classification allows (不予共享, raw L4, ...)."""


class ScopeError(AccessError, ValueError):
    """A request or narrowing names unknown datasets/columns/masks or widens the requested scope."""


class WorkflowError(AccessError):
    """A transition is not allowed from the request's current status."""


class GrantNotActiveError(AccessError):
    """The grant is expired, revoked, not yet valid or has no artifact: access is refused."""


class ArtifactIntegrityError(AccessError):
    """A grant artifact's manifest signature or a file's sha256 does not verify."""


class QueryRefused(AccessError):
    """The gateway refused a statement; the message says which construct and why."""


class AuthenticationError(AccessError):
    """An app token is unknown, revoked or expired."""


class PasswordPolicyError(AccessError, ValueError):
    """A new password is too short, too long or too simple; the message says which rule."""


class RequestForgeryError(PermissionDenied):
    """A state-changing portal request lacks this session's CSRF token or comes from elsewhere."""


class SignInError(AuthenticationError):
    """An OpenID Connect sign-in failed: bad state, an invalid id_token or no mapped account."""


class QueryFailed(AccessError):
    """An allowed statement failed while running (type error, division by zero, ...)."""
