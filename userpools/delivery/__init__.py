"""Delivery of mail and text messages to users, in one place.

`messaging.send_secret` chooses what to send (custom sender trigger, CustomMessage texts) and
writes it to the transactional outbox (outbox/) in the operation's transaction; the outbox delivers
it after commit, with retries, through `transport`, which sends through Django's mail backend and
the pluggable SMS sender of `sms`. Imports point one way: messaging -> transport -> sms.
"""
