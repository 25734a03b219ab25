"""Turns IAM enforcement on in a fresh moto server, with one administrator for the worker.

moto checks no credentials by default, so a lab's access verification by probe (assume the role,
try S3) would see everything allowed. Three unauthenticated requests create the user
labflow-worker, its allow-everything inline policy and an access key; from then on moto
authenticates and authorizes every request. Prints shell exports of the moto-generated key (valid
only on this moto server) and the user's ARN, which the lab's role must trust for the probe.
"""
import json
import sys
import urllib.request

import boto3

endpoint = sys.argv[1]
req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"3", method="POST",
                             headers={"Content-Type": "application/octet-stream"})
urllib.request.urlopen(req).read()
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
arn = iam.create_user(UserName="labflow-worker")["User"]["Arn"]
iam.put_user_policy(UserName="labflow-worker", PolicyName="admin", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="labflow-worker")["AccessKey"]
print(f"export AWS_ACCESS_KEY_ID={key['AccessKeyId']}")
print(f"export AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}")
print(f"export LABFLOW_TRUSTED_PRINCIPAL_ARN={arn}")
