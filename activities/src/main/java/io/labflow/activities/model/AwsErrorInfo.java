package io.labflow.activities.model;

import jakarta.annotation.Nullable;

/**
 * The details of a failure mapped from an AWS error (the first detail of the {@code
 * ApplicationFailure}): what failed, without the SDK exception, its stack or any credentials.
 *
 * @param service the SDK's service name, e.g. {@code Iam}
 * @param operation the API operation, e.g. {@code SimulatePrincipalPolicy}, when known
 * @param errorCode the AWS error code, empty when the answer had none
 * @param statusCode the HTTP status, 0 for a client-side failure
 * @param requestId the AWS request id, when the answer had one
 */
public record AwsErrorInfo(
    @Nullable String service,
    @Nullable String operation,
    String errorCode,
    int statusCode,
    @Nullable String requestId) {}
