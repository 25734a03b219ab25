package io.labflow.activities.model;

import java.util.List;

/** Everything carrying a lab's tag, by kind (names, ids or ARNs). */
public record LabResources(
    String labId,
    List<String> stacks,
    List<String> instances,
    List<String> vpcs,
    List<String> buckets,
    List<String> roles,
    List<String> policies,
    List<String> instanceProfiles) {

  /** Whether nothing carries the tag. */
  public boolean noneTagged() {
    return stacks.isEmpty()
        && instances.isEmpty()
        && vpcs.isEmpty()
        && buckets.isEmpty()
        && roles.isEmpty()
        && policies.isEmpty()
        && instanceProfiles.isEmpty();
  }
}
