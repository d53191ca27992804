"""OAuth 2.0 and OpenID Connect for the hosted UI: authorization requests, codes, the token
endpoint's grants, userInfo, and the single sign-on session. The protocol pieces (PKCE, scope
strings, redirect parameters, HTTP Basic client credentials) are authlib's; the rules are Cognito's."""
