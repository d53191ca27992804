"""Pure rules of identity pools: role mapping, principal tags, the guest scope-down policy."""
