"""Protocol fronts: each parses its wire format, runs `awsapi.pipeline`, and renders."""
