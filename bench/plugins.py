"""No-op trigger handlers for the bench's trigger rows, so they time our side of a trigger (event
building, the runner, for senders the code's encryption), not a handler's work. Register them in
the server's environment:

    TRIGGER_PLUGINS="bench-noop=bench.plugins:noop,bench-sender=bench.plugins:sender"
"""


def noop(event, context):
    return event


def sender(event, context):
    return None  # a real sender would decrypt request.code and deliver it
