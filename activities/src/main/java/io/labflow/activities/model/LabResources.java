package io.labflow.activities.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lab's resources by kind (names, ids or ARNs): what carries its tag and what its stacks hold.
 *
 * @param stacks stack names, in any state but DELETE_COMPLETE
 * @param instances instance ids, not terminated
 * @param vpcs VPC ids
 * @param buckets bucket names
 * @param roles role names
 * @param policies customer managed policy ARNs
 * @param instanceProfiles instance profile names
 * @param internetGateways internet gateway ids
 * @param subnets subnet ids
 * @param routeTables route table ids (not a VPC's main table)
 * @param securityGroups security group ids (not a VPC's default group)
 * @param networkInterfaces network interface ids in the lab's subnets or carrying its tag
 * @param associations instance profile associations of the lab's instances, "instance/association"
 * @param policyVersions versions of the lab's policies, "arn#version"
 * @param objects object versions in the lab's buckets, "bucket/key" (at most 100 per bucket listed)
 * @param unknown stack resources of a type no kind knows, "type id (stack)"
 * @param unreadable what could not be read, each with its reason: a non-empty list means the
 *     inventory may be incomplete
 */
public record LabResources(
    String labId,
    List<String> stacks,
    List<String> instances,
    List<String> vpcs,
    List<String> buckets,
    List<String> roles,
    List<String> policies,
    List<String> instanceProfiles,
    List<String> internetGateways,
    List<String> subnets,
    List<String> routeTables,
    List<String> securityGroups,
    List<String> networkInterfaces,
    List<String> associations,
    List<String> policyVersions,
    List<String> objects,
    List<String> unknown,
    List<String> unreadable) {

  public LabResources {
    stacks = copy(stacks);
    instances = copy(instances);
    vpcs = copy(vpcs);
    buckets = copy(buckets);
    roles = copy(roles);
    policies = copy(policies);
    instanceProfiles = copy(instanceProfiles);
    internetGateways = copy(internetGateways);
    subnets = copy(subnets);
    routeTables = copy(routeTables);
    securityGroups = copy(securityGroups);
    networkInterfaces = copy(networkInterfaces);
    associations = copy(associations);
    policyVersions = copy(policyVersions);
    objects = copy(objects);
    unknown = copy(unknown);
    unreadable = copy(unreadable);
  }

  /** Nothing of any kind, nothing unreadable. */
  public static LabResources none(String labId) {
    return new LabResources(
        labId, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /** Whether nothing of any kind is left and everything could be read. */
  public boolean noneTagged() {
    return byKind().values().stream().allMatch(List::isEmpty);
  }

  /** Every list by its field name, in declaration order. */
  public Map<String, List<String>> byKind() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("stacks", stacks);
    m.put("instances", instances);
    m.put("vpcs", vpcs);
    m.put("buckets", buckets);
    m.put("roles", roles);
    m.put("policies", policies);
    m.put("instanceProfiles", instanceProfiles);
    m.put("internetGateways", internetGateways);
    m.put("subnets", subnets);
    m.put("routeTables", routeTables);
    m.put("securityGroups", securityGroups);
    m.put("networkInterfaces", networkInterfaces);
    m.put("associations", associations);
    m.put("policyVersions", policyVersions);
    m.put("objects", objects);
    m.put("unknown", unknown);
    m.put("unreadable", unreadable);
    return m;
  }

  /** For example {@code vpcs=1, internetGateways=1}, or {@code nothing}. */
  public String counts() {
    List<String> parts = new ArrayList<>();
    byKind().forEach((k, v) -> {
      if (!v.isEmpty()) {
        parts.add(k + "=" + v.size());
      }
    });
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  private static List<String> copy(List<String> l) {
    return l == null ? List.of() : List.copyOf(l);
  }
}
