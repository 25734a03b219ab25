package io.labflow.activities.sweep;

import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.INTERNET_GATEWAYS;
import static io.labflow.activities.model.ResourceKind.NETWORK_INTERFACES;
import static io.labflow.activities.model.ResourceKind.ROUTE_TABLES;
import static io.labflow.activities.model.ResourceKind.SECURITY_GROUPS;
import static io.labflow.activities.model.ResourceKind.SUBNETS;
import static io.labflow.activities.model.ResourceKind.VPCS;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.inventory.Ec2Walk;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.InternetGatewayAttachment;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;

/**
 * Deletes the EC2 resources carrying the lab's tag that no stack took with it (a stack deleted
 * with resources retained, a DELETE_FAILED stack, an emulator gap), in dependency order:
 * instances (waited for until terminated), tagged detached network interfaces, route tables (after
 * their subnet associations), internet gateways (after detaching them), security groups, subnets,
 * VPCs (each through {@link VpcSweep}, which waits for what still depends on it). Every delete
 * treats "not found" as done; any other refusal is recorded as blocking and the sweep goes on.
 */
final class Ec2Sweep {

  private static final Logger log = LoggerFactory.getLogger(Ec2Sweep.class);
  private static final Duration TERMINATION = Duration.ofMinutes(10);

  private final Ec2Client ec2;
  private final Ec2Walk walk;
  private final VpcSweep vpcSweep;

  Ec2Sweep(Ec2Client ec2) {
    this.ec2 = ec2;
    this.walk = new Ec2Walk(ec2);
    this.vpcSweep = new VpcSweep(ec2, walk);
  }

  /**
   * Deletes what carries the lab's tag in EC2. Adds what it deleted to {@code deleted} by kind and
   * every refusal to {@code blocked}, and to {@code failures} a retryable failure when the lab's
   * own resources were still going away (Temporal then tries the sweep again).
   */
  void delete(String labId, LabResources.Builder deleted, List<String> blocked,
      List<ApplicationFailure> failures) {
    LabResources tagged = walk.tagged(labId);
    List<String> instances = tagged.get(INSTANCES);
    if (!instances.isEmpty()) {
      Heartbeats.beat("terminating " + instances);
      if (attempt("instances " + instances, blocked,
          () -> ec2.terminateInstances(b -> b.instanceIds(instances)))) {
        instances.forEach(i -> deleted.add(INSTANCES, i));
        awaitTerminated(instances, blocked);
      }
    }
    for (String eni : tagged.get(NETWORK_INTERFACES)) {
      deleteDetachedInterface(labId, eni, deleted, blocked);
    }
    for (ResourceKind kind : List.of(ROUTE_TABLES, INTERNET_GATEWAYS)) {
      for (String id : tagged.get(kind)) {
        Heartbeats.beat("deleting " + kind.what() + " " + id);
        if (attempt(kind.what() + " " + id, blocked, () -> deleteOne(ec2, kind, id))) {
          deleted.add(kind, id);
        }
      }
    }
    // A group or subnet still used by an interface being released is refused for now; the VPC's
    // delete below waits for it, so its refusal counts only if it is still there afterwards.
    Map<String, String> refused = new LinkedHashMap<>();
    for (ResourceKind kind : List.of(SECURITY_GROUPS, SUBNETS)) {
      for (String id : tagged.get(kind)) {
        List<String> why = new ArrayList<>();
        if (attempt(kind.what() + " " + id, why, () -> deleteOne(ec2, kind, id))) {
          deleted.add(kind, id);
        }
        why.forEach(w -> refused.put(id, w));
      }
    }
    for (String id : tagged.get(VPCS)) {
      Heartbeats.beat("deleting VPC " + id);
      vpcSweep.delete(labId, id, deleted, blocked, failures);
    }
    refused.forEach((id, why) -> {
      if (!deleted.get(SECURITY_GROUPS).contains(id) && !deleted.get(SUBNETS).contains(id)
          && exists(id)) {
        blocked.add(why);
      }
    });
    if (!blocked.isEmpty()) {
      log.warn("lab {}: EC2 sweep blocked: {}", labId, blocked);
    }
  }

  private void deleteDetachedInterface(
      String labId, String eni, LabResources.Builder deleted, List<String> blocked) {
    // Read again right before the delete: only a detached interface of the lab's is deleted here;
    // an attached one goes with its instance, and any other is not labflow's to delete.
    boolean[] done = {false};
    attempt("network interface " + eni, blocked, () -> {
      if (walk.list(NETWORK_INTERFACES, Ec2Walk.filter("network-interface-id", eni),
              Ec2Walk.labTag(labId)).stream()
          .anyMatch(n -> "available".equals(n.state()) && n.ours(labId))) {
        deleteOne(ec2, NETWORK_INTERFACES, eni);
        done[0] = true;
      }
    });
    if (done[0]) {
      deleted.add(NETWORK_INTERFACES, eni);
    }
  }

  /**
   * Deletes one route table (after its subnet associations), internet gateway (after detaching
   * it), security group, subnet or network interface.
   */
  static void deleteOne(Ec2Client ec2, ResourceKind kind, String id) {
    switch (kind) {
      case ROUTE_TABLES -> {
        for (RouteTable t : ec2.describeRouteTables(b -> b.routeTableIds(id)).routeTables()) {
          for (RouteTableAssociation a : t.associations()) {
            if (!Boolean.TRUE.equals(a.main())) {
              ignoreNotFound(() -> ec2.disassociateRouteTable(
                  b -> b.associationId(a.routeTableAssociationId())));
            }
          }
        }
        ec2.deleteRouteTable(b -> b.routeTableId(id));
      }
      case INTERNET_GATEWAYS -> {
        for (InternetGateway g :
            ec2.describeInternetGateways(b -> b.internetGatewayIds(id)).internetGateways()) {
          for (InternetGatewayAttachment a : g.attachments()) {
            ignoreNotFound(
                () -> ec2.detachInternetGateway(b -> b.internetGatewayId(id).vpcId(a.vpcId())));
          }
        }
        ec2.deleteInternetGateway(b -> b.internetGatewayId(id));
      }
      case SECURITY_GROUPS -> ec2.deleteSecurityGroup(b -> b.groupId(id));
      case SUBNETS -> ec2.deleteSubnet(b -> b.subnetId(id));
      case NETWORK_INTERFACES -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(id));
      default -> throw new IllegalArgumentException("not an EC2 kind the sweep deletes: " + kind);
    }
  }

  private void awaitTerminated(List<String> ids, List<String> blocked) {
    Boolean done;
    try {
      done = Heartbeats.untilPresent("waiting for " + ids + " to terminate", TERMINATION,
          () -> walk.list(INSTANCES, Ec2Walk.filter("instance-id", ids.toArray(String[]::new)))
              .isEmpty() ? Boolean.TRUE : null);
    } catch (SdkException e) {
      blocked.add("instances " + ids + ": " + AwsFailures.map(e).getOriginalMessage());
      return;
    }
    if (done == null) {
      blocked.add("instances " + ids + ": still not terminated after " + TERMINATION);
    }
  }

  /** Whether the security group or subnet is still there (a failed read counts as there). */
  private boolean exists(String id) {
    boolean group = id.startsWith("sg-");
    try {
      return !walk.list(group ? SECURITY_GROUPS : SUBNETS,
          Ec2Walk.filter(group ? "group-id" : "subnet-id", id)).isEmpty();
    } catch (SdkException e) {
      return true;
    }
  }

  /** Runs a delete; true when it deleted, false when the resource was gone or the delete refused. */
  private static boolean attempt(String what, List<String> blocked, Runnable delete) {
    try {
      return AwsErrors.doneUnless(delete, Ec2Sweep::isNotFound);
    } catch (SdkException e) {
      blocked.add(what + ": " + AwsFailures.map(e).getOriginalMessage());
      return false;
    }
  }

  private static void ignoreNotFound(Runnable r) {
    AwsErrors.doneUnless(r, e -> isNotFound(e) || AwsFailures.hasCode(e, "Gateway.NotAttached"));
  }

  static boolean isNotFound(AwsServiceException e) {
    String code = AwsFailures.errorCode(e);
    return code.endsWith(".NotFound") || code.equals("NoSuchBucket") || code.equals("NoSuchEntity");
  }
}
