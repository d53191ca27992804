"""Identity pools' use cases, bottom up:

    pools        identity pools: configuration, roles and role mappings, principal-tag maps, tags
    logins       verifying a Logins map (user pools, IAM OIDC providers, our own tokens)
    identities   ids, linking and unlinking logins, developer identities
    credentials  GetCredentialsForIdentity (enhanced flow) and the OpenID tokens (basic flow)
"""
