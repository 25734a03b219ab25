package io.labflow.activities.learner;

import java.util.List;

/** Input of CheckAccess: the role is allowed exactly {@code allow} and denied {@code deny}. */
public record CheckAccessInput(
    String labId, String roleName, String bucketName, List<String> allow, List<String> deny) {}
