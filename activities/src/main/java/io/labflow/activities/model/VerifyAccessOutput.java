package io.labflow.activities.model;

import java.util.List;

/** Result of VerifyAccess: the matrix of the last attempt. */
public record VerifyAccessOutput(
    String method,
    String roleArn,
    String bucketName,
    List<AccessCheck> matrix,
    int attempts,
    boolean matches) {}
