"""Python Lambda handlers, written as on AWS, for the life-cycle trigger tests."""
SEEN: list[dict] = []  # every event these handlers received, newest last


def auto_confirm_company(event, context):
    SEEN.append(event)
    if event["request"]["userAttributes"].get("email", "").endswith("@example.org"):
        raise Exception("No sign-ups from example.org")
    event["response"]["autoConfirmUser"] = True
    event["response"]["autoVerifyEmail"] = True
    return event


def record(event, context):
    SEEN.append(event)
    return event


def refuse(event, context):
    SEEN.append(event)
    raise Exception("Not today")


def claims_v1(event, context):
    SEEN.append(event)
    event["response"] = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "acme", "iss": "forged"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["from-trigger"]},
        }
    }
    return event


def claims_v2(event, context):
    SEEN.append(event)
    event["response"] = {
        "claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}, "scopesToAdd": ["orders/read"]},
        }
    }
    return event


LEGACY_USERS = {"legacy-lee": ("Legacy#Pass1", {"email": "lee@example.com", "email_verified": "true"})}


def migrate(event, context):
    SEEN.append(event)
    known = LEGACY_USERS.get(event["userName"])
    if known is None or known[0] != event["request"].get("password"):
        raise Exception("Bad password")
    event["response"]["userAttributes"] = dict(known[1])
    event["response"]["finalUserStatus"] = "CONFIRMED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event


PLUGINS = ",".join(
    f"{name}=tests.triggers.lifecycle_plugins:{name}"
    for name in ("auto_confirm_company", "record", "refuse", "claims_v1", "claims_v2", "migrate")
)
