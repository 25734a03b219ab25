package io.labflow.activities.model;

import jakarta.annotation.Nullable;
import java.util.Map;

/** Result of CreateStack: the stack and its outputs (bucketName and instanceId when the template declares BucketName and InstanceId). */
public record CreateStackOutput(
    String stackId,
    String stackName,
    String status,
    @Nullable String bucketName,
    @Nullable String instanceId,
    Map<String, String> outputs,
    boolean adopted) {}
