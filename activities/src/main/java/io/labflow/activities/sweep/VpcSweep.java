package io.labflow.activities.sweep;

import static io.labflow.activities.model.ResourceKind.INSTANCES;
import static io.labflow.activities.model.ResourceKind.INTERNET_GATEWAYS;
import static io.labflow.activities.model.ResourceKind.NETWORK_INTERFACES;
import static io.labflow.activities.model.ResourceKind.ROUTE_TABLES;
import static io.labflow.activities.model.ResourceKind.SECURITY_GROUPS;
import static io.labflow.activities.model.ResourceKind.SUBNETS;

import io.labflow.activities.common.AwsErrors;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.inventory.Ec2Walk;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Deletes one lab VPC, waiting for what still depends on it. {@code DeleteVpc} answers
 * {@code DependencyViolation} while anything is left in the VPC: on AWS an instance still
 * shutting down and its network interfaces being released, and a security group or subnet those
 * interfaces still use; and, when resets run at once, what the lab's stack deletion (still
 * running after a retried {@code DeleteStack}) left or made after the sweep's listing. So on that
 * answer the VPC's contents are read by {@code vpc-id}, every dependant carrying the lab's tag is
 * deleted in dependency order, and the delete is tried again, heartbeating, within a budget.
 *
 * <p>A dependant that is not the lab's is never touched: the VPC is then left and the sweep
 * reports what holds it. When only the lab's own dependants are still going away after the budget,
 * the failure is retryable, so Temporal tries the (idempotent) sweep again.
 */
final class VpcSweep {

  /** The error code EC2 answers while a resource is still in use. */
  static final String DEPENDENCY_VIOLATION = "DependencyViolation";

  /** How long a VPC's own dependants may take to go away before Temporal retries the sweep. */
  private static final Duration BUDGET = Duration.ofMinutes(2);

  private final Ec2Client ec2;
  private final Ec2Walk walk;

  VpcSweep(Ec2Client ec2, Ec2Walk walk) {
    this.ec2 = ec2;
    this.walk = walk;
  }

  /** What one look inside the VPC found: foreign dependants, and the lab's still going away. */
  private record Contents(List<String> foreign, List<String> pending) {}

  /**
   * Deletes the VPC (it carries the lab's tag); adds to {@code blocked} what holds it, and to
   * {@code failures} a retryable failure when only the lab's own dependants still held it after
   * the budget.
   */
  void delete(String labId, String vpc, LabResources.Builder deleted, List<String> blocked,
      List<ApplicationFailure> failures) {
    String[] last = {null};
    Contents[] seen = {null};
    Boolean gone;
    try {
      gone = Heartbeats.untilPresent("waiting for the dependants of VPC " + vpc, BUDGET, () -> {
        try {
          return AwsErrors.doneUnless(() -> ec2.deleteVpc(b -> b.vpcId(vpc)), Ec2Sweep::isNotFound);
        } catch (AwsServiceException e) {
          if (!AwsFailures.hasCode(e, DEPENDENCY_VIOLATION)) {
            throw e;
          }
          last[0] = AwsFailures.map(e).getOriginalMessage();
        }
        seen[0] = clear(labId, vpc, deleted);
        // Nothing of the lab's is left to wait for: what holds the VPC is someone else's.
        return seen[0].foreign().isEmpty() ? null : Boolean.FALSE;
      });
    } catch (SdkException e) {
      blocked.add("VPC " + vpc + ": " + AwsFailures.map(e).getOriginalMessage());
      return;
    }
    if (Boolean.TRUE.equals(gone)) {
      deleted.add(ResourceKind.VPCS, vpc);
    } else if (gone == null) {
      String why = "VPC " + vpc + ": " + last[0] + "; still in it after " + BUDGET + ": "
          + (seen[0] == null ? List.of() : seen[0].pending());
      blocked.add(why);
      failures.add(AwsFailures.retryable(why, DEPENDENCY_VIOLATION));
    } else if (seen[0] != null && !seen[0].foreign().isEmpty()) {
      blocked.add("VPC " + vpc + ": " + last[0] + "; it holds " + seen[0].foreign()
          + ", not tagged for lab " + labId + ", left as they are");
    }
  }

  /** Deletes what of the lab's is in the VPC, in dependency order; reports what is left. */
  private Contents clear(String labId, String vpc, LabResources.Builder deleted) {
    Contents c = new Contents(new ArrayList<>(), new ArrayList<>());
    List<String> terminate = new ArrayList<>();
    for (ResourceKind kind : List.of(INSTANCES, NETWORK_INTERFACES, ROUTE_TABLES,
        INTERNET_GATEWAYS, SECURITY_GROUPS, SUBNETS)) {
      String name = kind == INTERNET_GATEWAYS ? "attachment.vpc-id" : "vpc-id";
      for (Ec2Walk.Found r : walk.list(kind, Ec2Walk.filter(name, vpc))) {
        String what = kind.what() + " " + r.id();
        if (!r.own()) {
          // A main route table or default group goes with the VPC; an attached interface with
          // its instance (listed above) or once detached.
          if (kind == NETWORK_INTERFACES) {
            c.pending().add(what + " (" + r.state() + ")");
          }
        } else if (!r.ours(labId)) {
          c.foreign().add(what);
        } else if (kind == INSTANCES) {
          c.pending().add(what + " (" + r.state() + ")");
          if (!"shutting-down".equals(r.state())) {
            terminate.add(r.id());
          }
        } else if (kind == NETWORK_INTERFACES && !"available".equals(r.state())) {
          c.pending().add(what + " (" + r.state() + ")");
        } else if (quietly(() -> Ec2Sweep.deleteOne(ec2, kind, r.id()))) {
          deleted.add(kind, r.id());
        } else {
          c.pending().add(what);
        }
      }
      if (kind == INSTANCES && !terminate.isEmpty()) {
        Heartbeats.beat("terminating " + terminate + " in VPC " + vpc);
        if (quietly(() -> ec2.terminateInstances(b -> b.instanceIds(terminate)))) {
          terminate.forEach(i -> deleted.add(INSTANCES, i));
        }
      }
    }
    return c;
  }

  /**
   * Runs a delete of a dependant; true when it deleted. Gone is done, and a dependant still in use
   * (DependencyViolation) is tried again on the next round; any other refusal fails the round.
   */
  private static boolean quietly(Runnable delete) {
    try {
      return AwsErrors.doneUnless(delete, Ec2Sweep::isNotFound);
    } catch (AwsServiceException e) {
      if (AwsFailures.hasCode(e, DEPENDENCY_VIOLATION)) {
        return false;
      }
      throw e;
    }
  }
}
