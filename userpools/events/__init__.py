"""Cognito's trigger events, built next to the user-pool services that raise them.

Each module builds its triggers' `request`, runs it through `triggers.runner.invoke` (the generic
Lambda-style runtime, which knows nothing of user pools) and turns the `response` into plain values
the calling service applies: `lifecycle` (sign-up, confirmation, authentication, token generation,
migration, custom message), `challenges` (custom auth), `senders` (custom email/SMS senders).
"""
