"""The hosted UI and OAuth 2.0 endpoints of a pool (wire layer): pages, authorize/token/userInfo/
revoke/logout, and `flow.complete_sign_in`, the one way a sign-in (password or federated) ends."""
