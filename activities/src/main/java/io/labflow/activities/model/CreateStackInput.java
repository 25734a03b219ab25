package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.List;
import java.util.Map;

/** Input of CreateStack. The template path is relative to the worker's definitions directory. */
public record CreateStackInput(
    String labId,
    @Limit(
            what = "CloudFormation stack name",
            max = 128,
            pattern = "[A-Za-z][A-Za-z0-9-]*",
            rule = "letters, digits and hyphens, starting with a letter")
        String stackName,
    String templateFile,
    @Nullable
        @Limit(
            key = "BucketName",
            what = CreatePolicyInput.S3_BUCKET,
            min = 3,
            max = 63,
            pattern = CreatePolicyInput.BUCKET_PATTERN,
            rule = CreatePolicyInput.BUCKET_RULE)
        Map<String, String> parameters,
    @Nullable List<String> capabilities,
    @Nullable Integer timeoutMinutes) {}
