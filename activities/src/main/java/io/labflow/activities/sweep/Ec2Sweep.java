package io.labflow.activities.sweep;

import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.INTERNET_GATEWAYS;
import static io.labflow.activities.model.ResourceKind.NETWORK_INTERFACES;
import static io.labflow.activities.model.ResourceKind.SECURITY_GROUPS;
import static io.labflow.activities.model.ResourceKind.VPCS;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.model.ResourceKind;
import io.labflow.workflows.definition.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Deletes the lab's EC2 resources that no stack took with it (a stack deleted with resources
 * retained, a DELETE_FAILED stack, an emulator gap): one pass ({@link #clear}) over each kind in
 * dependency order, deleting what is the lab's, first over what carries the lab's tag, then over
 * a VPC's contents each time {@code DeleteVpc} answers {@code DependencyViolation}, heartbeating,
 * within a budget. A resource that is not the lab's is never touched: the VPC is then left and the
 * sweep reports what holds it. When only the lab's own dependants are still going away after the
 * budget, the failure is retryable. Why and in what order: docs/aws.md, "ListLabResources /
 * DeleteLabResources".
 */
record Ec2Sweep(Ec2Client ec2, Duration termination) {

  private static final String DEPENDENCY_VIOLATION = "DependencyViolation";
  /** How long the lab's instances may take to terminate (tests shorten it). */
  static final Duration TERMINATION = Duration.ofMinutes(10);
  /** How long a VPC's own dependants may take to go away before Temporal retries the sweep. */
  private static final Duration VPC_BUDGET = Duration.ofMinutes(2);
  /** What a VPC holds, in dependency order: every kind but VPCs, the last. */
  private static final List<ResourceKind> IN_VPC =
      Ec2Walk.KINDS.subList(0, Ec2Walk.KINDS.indexOf(VPCS));

  /** What a pass left: what is not the lab's, and the lab's still in use, by id with why. */
  private record Left(List<String> foreign, Map<String, String> pending) {}

  /**
   * Deletes what carries the lab's tag in EC2. Returns what of the lab's was still in use, by id
   * with why: it blocks the sweep only if it is still there afterwards (a VPC's delete may have
   * waited for it and taken it).
   */
  Map<String, String> delete(String labId, Swept swept) {
    Filter tag = Ec2Walk.labTag(labId);
    return clear(labId, Ec2Walk.KINDS, kind -> tag, swept).pending();
  }

  /**
   * One pass over what {@code by} lists of each kind, in this order: deletes the lab's, leaves
   * the rest.
   */
  private Left clear(
      String labId, List<ResourceKind> kinds, Function<ResourceKind, Filter> by, Swept swept) {
    Left left = new Left(new ArrayList<>(), new LinkedHashMap<>());
    for (ResourceKind kind : kinds) {
      List<Ec2Walk.Found> found;
      try {
        found = new Ec2Walk(ec2).list(kind, by.apply(kind));
      } catch (SdkException e) {
        swept.refused(kind.what() + "s", e);
        continue;
      }
      if (kind == SECURITY_GROUPS) {
        // Lab groups whose rules (inbound or outbound) name each other refuse each other's delete
        // (DependencyViolation): as AWS documents, those rules go first (only the lab's groups').
        found.stream().filter(r -> r.own() && r.ours(labId)).forEach(r -> swept.run(
            kind.what() + " " + r.id(), () -> revokeGroupReferences(r.id())));
      }
      List<String> instances = new ArrayList<>();
      for (Ec2Walk.Found r : found) {
        String what = kind.what() + " " + r.id();
        if (!r.own()) {
          // A main route table or default group goes with its VPC; an attached interface with
          // its instance, or once detached.
          if (kind == NETWORK_INTERFACES) {
            left.pending().put(r.id(), what + " (" + r.state() + ")");
          }
        } else if (!r.ours(labId)) {
          left.foreign().add(what);
        } else if (kind == INSTANCES) {
          instances.add(r.id());
        } else if (kind == NETWORK_INTERFACES && !"available".equals(r.state())) {
          left.pending().put(r.id(), what + " (" + r.state() + ")");
        } else if (kind == VPCS) {
          Waiting.beat("deleting " + what);
          deleteVpc(labId, r.id(), swept);
        } else {
          Waiting.beat("deleting " + what);
          try {
            if (AwsErrors.doneUnless(() -> deleteOne(kind, r.id()), Ec2Sweep::isNotFound)) {
              swept.deleted(kind, r.id());
            }
          } catch (SdkException e) {
            if (e instanceof AwsServiceException a
                && AwsFailures.hasCode(a, DEPENDENCY_VIOLATION)) {
              left.pending().put(r.id(), what + ": " + AwsFailures.map(e).getOriginalMessage());
            } else {
              swept.refused(what, e);
            }
          }
        }
      }
      if (!instances.isEmpty()) {
        terminate(instances, left, swept);
      }
    }
    return left;
  }

  /**
   * Terminates the lab's instances and waits until they are gone, each once a sweep: one still
   * there after the wait (AWS can keep an instance shutting down for long) is not deleted but in
   * use, and a later pass (a VPC's) finds it in use again without asking or waiting again.
   */
  private void terminate(List<String> ids, Left left, Swept swept) {
    Filter those = Ec2Walk.filter("instance-id", ids.toArray(String[]::new));
    List<String> fresh = ids.stream().filter(swept.terminated::add).toList();
    swept.run("instances " + ids, () -> {
      Boolean gone = null;
      if (!fresh.isEmpty()) {
        Waiting.beat("terminating " + fresh);
        if (!AwsErrors.doneUnless(
            () -> ec2.terminateInstances(b -> b.instanceIds(fresh)), Ec2Sweep::isNotFound)) {
          return;
        }
        gone = Waiting.untilPresent("waiting for " + fresh + " to terminate", termination,
            () -> new Ec2Walk(ec2).list(INSTANCES, those).isEmpty() ? Boolean.TRUE : null);
      }
      Map<String, String> still = new LinkedHashMap<>();
      if (gone == null) {
        new Ec2Walk(ec2).list(INSTANCES, those).forEach(i -> still.put(i.id(), i.state()));
      }
      for (String i : ids) {
        if (still.containsKey(i)) {
          left.pending().put(i, "instance " + i + " (" + still.get(i)
              + "): still not terminated after " + Durations.format(termination));
        } else {
          swept.deleted(INSTANCES, i);
        }
      }
    });
  }

  /** Deletes a lab VPC, clearing what of the lab's still holds it; records what holds it. */
  private void deleteVpc(String labId, String vpc, Swept swept) {
    Function<ResourceKind, Filter> inVpc = kind ->
        Ec2Walk.filter(kind == INTERNET_GATEWAYS ? "attachment.vpc-id" : "vpc-id", vpc);
    int refusals = swept.refusals;
    String[] last = {null};
    Left[] seen = {null};
    Boolean gone;
    try {
      gone = Waiting.untilPresent("waiting for the dependants of VPC " + vpc, VPC_BUDGET, () -> {
        try {
          return AwsErrors.doneUnless(() -> ec2.deleteVpc(b -> b.vpcId(vpc)), Ec2Sweep::isNotFound);
        } catch (AwsServiceException e) {
          if (!AwsFailures.hasCode(e, DEPENDENCY_VIOLATION)) {
            throw e;
          }
          last[0] = AwsFailures.map(e).getOriginalMessage();
        }
        seen[0] = clear(labId, IN_VPC, inVpc, swept);
        // Only the lab's own are waited for: what is someone else's, or was refused, stays.
        return seen[0].foreign().isEmpty() && swept.refusals == refusals
            ? null : Boolean.FALSE;
      });
    } catch (SdkException e) {
      swept.refused("VPC " + vpc, e);
      return;
    }
    if (Boolean.TRUE.equals(gone)) {
      swept.deleted(VPCS, vpc);
    } else if (gone == null) {
      String why = "VPC " + vpc + ": " + last[0] + "; still in it after "
          + Durations.format(VPC_BUDGET) + ": "
          + (seen[0] == null ? List.of() : seen[0].pending().values());
      swept.blocked.add(why);
      swept.failures.add(AwsFailures.retryable(why, DEPENDENCY_VIOLATION));
    } else if (seen[0] != null && !seen[0].foreign().isEmpty()) {
      swept.blocked.add("VPC " + vpc + ": " + last[0] + "; it holds " + seen[0].foreign()
          + ", not tagged for lab " + labId + ", left as they are");
    } else if (swept.refusals > refusals) {
      swept.blocked.add("VPC " + vpc + ": " + last[0]);
    }
  }

  /**
   * Deletes one route table (after its subnet associations), internet gateway (after detaching
   * it), security group, subnet or network interface.
   */
  private void deleteOne(ResourceKind kind, String id) {
    switch (kind) {
      case ROUTE_TABLES -> {
        ec2.describeRouteTables(b -> b.routeTableIds(id)).routeTables().stream()
            .flatMap(t -> t.associations().stream()).filter(a -> !Boolean.TRUE.equals(a.main()))
            .forEach(a -> ignoreNotFound(() -> ec2.disassociateRouteTable(
                b -> b.associationId(a.routeTableAssociationId()))));
        ec2.deleteRouteTable(b -> b.routeTableId(id));
      }
      case INTERNET_GATEWAYS -> {
        ec2.describeInternetGateways(b -> b.internetGatewayIds(id)).internetGateways().stream()
            .flatMap(g -> g.attachments().stream()).forEach(a -> ignoreNotFound(
                () -> ec2.detachInternetGateway(b -> b.internetGatewayId(id).vpcId(a.vpcId()))));
        ec2.deleteInternetGateway(b -> b.internetGatewayId(id));
      }
      case SECURITY_GROUPS -> ec2.deleteSecurityGroup(b -> b.groupId(id));
      case SUBNETS -> ec2.deleteSubnet(b -> b.subnetId(id));
      case NETWORK_INTERFACES -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(id));
      default -> throw new IllegalArgumentException("not an EC2 kind the sweep deletes: " + kind);
    }
  }

  /** Revokes the group's inbound and outbound rules that name another security group. */
  private void revokeGroupReferences(String id) {
    for (SecurityGroup g : ec2.describeSecurityGroups(b -> b.groupIds(id)).securityGroups()) {
      List<IpPermission> in = namingOthers(g.ipPermissions(), id);
      List<IpPermission> out = namingOthers(g.ipPermissionsEgress(), id);
      if (!in.isEmpty()) {
        ignoreNotFound(() -> ec2.revokeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(in)));
      }
      if (!out.isEmpty()) {
        ignoreNotFound(() -> ec2.revokeSecurityGroupEgress(b -> b.groupId(id).ipPermissions(out)));
      }
    }
  }

  /** Of these rules of group {@code id}, those that name another group, with only those groups. */
  private static List<IpPermission> namingOthers(List<IpPermission> rules, String id) {
    return rules.stream()
        .map(p -> IpPermission.builder().ipProtocol(p.ipProtocol()).fromPort(p.fromPort())
            .toPort(p.toPort()).userIdGroupPairs(p.userIdGroupPairs().stream()
                .filter(other -> !id.equals(other.groupId())).toList()).build())
        .filter(p -> !p.userIdGroupPairs().isEmpty())
        .toList();
  }

  private static void ignoreNotFound(Runnable r) {
    AwsErrors.doneUnless(r, e -> isNotFound(e) || AwsFailures.hasCode(e, "Gateway.NotAttached"));
  }

  private static boolean isNotFound(AwsServiceException e) {
    return AwsFailures.errorCode(e).endsWith(".NotFound");
  }
}
