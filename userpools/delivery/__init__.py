"""Delivery of mail and text messages to users, in one place.

`messaging.send_secret` chooses what to send (custom sender trigger, CustomMessage texts) and
queues it after commit; `tasks` are the Celery tasks that deliver with retries; `transport` does
the actual send through Django's mail backend and the pluggable SMS sender of `sms`.
Imports point one way: messaging -> tasks -> transport -> sms.
"""
