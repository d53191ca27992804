"""Cognito identity pools: trade user-pool, OIDC, developer or guest logins for temporary credentials."""
