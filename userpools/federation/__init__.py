"""Federation: external identity providers (OIDC, SAML 2.0, social presets) signing users in
to a pool. Services here sit beside `userpools.services`; `views.py` is the wire (the IdP
response endpoints), `flow.py` the interface the hosted UI starts a federated sign-in through."""
