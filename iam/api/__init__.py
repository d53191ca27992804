"""Wire handlers for IAM and STS (query protocol): parse members, call one service, render.

    render     AWS's output structures (users, groups, roles, policies, pages)
    users      users, their keys, inline/attached policies and boundaries
    groups     groups and membership, their policies
    roles      roles, trust policies, tags, their policies and boundaries
    policies   managed policies and versions, entities for a policy
    account    GetAccountAuthorizationDetails, Simulate*Policy
    sts        GetCallerIdentity, AssumeRole, GetSessionToken, AssumeRoleWithWebIdentity
"""
