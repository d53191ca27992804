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


def suppress_admin_scope(event, context):
    """A V2 pre token generation handler that takes the user-admin scope out of the access token."""
    SEEN.append(event)
    event["response"] = {
        "claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"scopesToSuppress": ["aws.cognito.signin.user.admin"], "scopesToAdd": ["orders/read"]},
        }
    }
    return event


LEGACY_USERS = {"legacy-lee": ("Legacy#Pass1", {"email": "lee@example.com", "email_verified": "true"})}


def migrate(event, context):
    SEEN.append(event)
    known = LEGACY_USERS.get(event["userName"])
    checks_password = event["triggerSource"] == "UserMigration_Authentication"
    if known is None or (checks_password and known[0] != event["request"].get("password")):
        raise Exception("Bad password")
    event["response"]["userAttributes"] = dict(known[1])
    event["response"]["finalUserStatus"] = "CONFIRMED" if checks_password else "RESET_REQUIRED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event


def migrate_taking_alias(event, context):
    """As `migrate`, also taking the email alias over from whoever holds it, and turning SMS MFA on."""
    event = migrate(event, context)
    event["response"]["userAttributes"]["phone_number"] = "+15555550100"
    event["response"]["forceAliasCreation"] = True
    event["response"]["enableSMSMFA"] = True
    return event


def branded_message(event, context):
    SEEN.append(event)
    code = event["request"]["codeParameter"]
    event["response"]["emailSubject"] = f"Welcome to Acme ({event['triggerSource']})"
    event["response"]["emailMessage"] = f"Hello {event['userName']}, your Acme code is {code}."
    event["response"]["smsMessage"] = "no code here, so the pool's own text is kept"
    return event


PLUGINS = ",".join(
    f"{name}=tests.triggers.lifecycle_plugins:{name}"
    for name in ("auto_confirm_company", "record", "refuse", "claims_v1", "claims_v2", "migrate", "migrate_taking_alias",
                 "branded_message", "add_to_members", "stamp_last_sign_in", "suppress_admin_scope")
)


def add_to_members(event, context):
    """The classic PostConfirmation handler: put the new user in a group through the AWS SDK
    (its endpoint and credentials come from the environment, as a Lambda's would)."""
    import boto3

    SEEN.append(event)
    boto3.client("cognito-idp", region_name=event["region"]).admin_add_user_to_group(
        UserPoolId=event["userPoolId"], Username=event["userName"], GroupName="members")
    return event


def stamp_last_sign_in(event, context):
    """A PostAuthentication handler that records the sign-in on the user through the AWS SDK."""
    import boto3

    SEEN.append(event)
    boto3.client("cognito-idp", region_name=event["region"]).admin_update_user_attributes(
        UserPoolId=event["userPoolId"], Username=event["userName"],
        UserAttributes=[{"Name": "custom:last_client", "Value": event["callerContext"]["clientId"][:20]}])
    return event
