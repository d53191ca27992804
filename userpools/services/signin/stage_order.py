"""The stages of a sign-in in Cognito's order, as one explicit table rather than the order in
which stage modules happen to be imported: a new password first; a remembered device next, as
passing it may skip MFA; then MFA set-up before the choice of a factor before the factors."""
from __future__ import annotations

from userpools.models import User
from userpools.services.signin import device_stages, mfa_stages
from userpools.services.signin.attempt import Attempt
from userpools.services.signin.stages import NewPasswordRequired, Stage

ORDER: tuple[Stage, ...] = (
    NewPasswordRequired(),
    device_stages.DeviceSrpAuth(),
    device_stages.DevicePasswordVerifier(),
    mfa_stages.MfaSetup(),
    mfa_stages.SelectMfaType(),
    mfa_stages.SoftwareTokenMfa(),
    mfa_stages.SmsMfa(),
    mfa_stages.EmailOtp(),
)
_BY_NAME = {stage.name: stage for stage in ORDER}


def find(name: str) -> Stage | None:
    """The stage that answers the challenge `name`, if a stage does."""
    return _BY_NAME.get(name)


def next_pending(user: User, attempt: Attempt, progress: dict) -> Stage | None:
    """The first stage, in ORDER, that the sign-in still owes."""
    return next((stage for stage in ORDER if stage.is_pending(user, attempt, progress)), None)
