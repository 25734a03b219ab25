package io.labflow.activities.model;


/** Result of CreatePolicyVersion: {@code created} is false when the default version already had this document. */
public record PolicyVersionOutput(
    String policyArn,
    String versionId,
    String document,
    boolean created) {}
