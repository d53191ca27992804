"""Every AWS wire protocol behind one pipeline.

- `registry`: AwsService / Operation and the registry each app fills from `AppConfig.ready()`.
- `pipeline`: authenticate -> validate -> authorize -> handler -> audit -> prune, for every front.
- `audit`: the CallRecord hook the audit trail (CloudTrail) fills.
- `validation`, `output`: botocore input-shape checks and output-shape pruning.
- `fronts/`: `json11` (X-Amz-Target), `query` + `query_shapes` (IAM/STS form + XML), `rest` +
  `rest_params` + `rest_schema` + `rest_errors` (the REST adapter and its OpenAPI).

Imports point down: apps' wire layers -> awsapi -> iam/core. Nothing here imports an app above it.
"""
