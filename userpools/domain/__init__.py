"""Pure user-pool domain helpers: plain values in, plain values out; no ORM, no services."""
