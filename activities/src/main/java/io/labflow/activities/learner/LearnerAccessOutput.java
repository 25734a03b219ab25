package io.labflow.activities.learner;

/** Result of CreateLearnerAccess: the role whose sessions are the learner's credentials. */
public record LearnerAccessOutput(String learnerRoleArn, String boundaryPolicyArn) {}
