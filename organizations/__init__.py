"""AWS Organizations, as far as guardrails go: one organization, its root and this account, and
the service control policies (SCPs) an operator attaches to bound every principal but root.

Modules: `ids` (pure: organization, root, policy ids and ARNs), `documents` (SCP validation),
`models`, `services` (use cases and `effective_scps()` for the IAM authorizer), `api` (the JSON 1.1
handlers), `operations` (the table registered from `OrganizationsConfig.ready()`).
"""
