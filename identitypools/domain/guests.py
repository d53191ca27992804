"""AWS's scope-down policy for guests: an unauthenticated identity's credentials can do at most
what the managed policy AmazonCognitoUnAuthedIdentitiesSessionPolicy allows, whatever its role
grants (Cognito passes it as a session policy). Identity and user-pool administration are not in it."""
from __future__ import annotations

import json

GUEST_ACTIONS = (
    "rum:PutRumEvents", "sagemaker:InvokeEndpoint", "polly:*", "comprehend:*", "translate:*", "transcribe:*",
    "rekognition:*", "mobiletargeting:*", "firehose:*", "personalize:*", "geo:GetMap*", "geo:SearchPlaceIndex*",
    "geo:GetPlace", "geo:CalculateRoute*", "geo:*Geofence", "geo:*Geofences", "geo:*DevicePosition*",
    "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptTo", "kms:ReEncryptFrom", "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateRandom", "kinesis:PutRecord", "kinesis:PutRecords", "dynamodb:*", "s3:*", "sqs:*", "sns:*",
    "lambda:InvokeFunction", "execute-api:*", "appsync:*", "lex:*", "iot:*", "cognito-sync:*",
    "cognito-identity:*", "mobileanalytics:PutEvents", "logs:*", "cloudwatch:PutMetricData",
)

GUEST_SESSION_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "CognitoUnAuthedIdentitiesSessionPolicy", "Effect": "Allow", "Action": list(GUEST_ACTIONS), "Resource": "*"}],
    },
    separators=(",", ":"),
)
