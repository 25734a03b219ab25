package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Heartbeats;
import io.labflow.activities.model.LabResources;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** What one inventory found, and what it could not read. */
final class FoundResources {

  private static final Logger log = LoggerFactory.getLogger(FoundResources.class);

  final String labId;
  final Map<ResourceKind, Set<String>> kinds = new EnumMap<>(ResourceKind.class);
  final List<String> unreadable = new ArrayList<>();

  FoundResources(String labId) {
    this.labId = labId;
    for (ResourceKind k : ResourceKind.values()) {
      kinds.put(k, new LinkedHashSet<>());
    }
  }

  void add(ResourceKind kind, String id) {
    kinds.get(kind).add(id);
  }

  Set<String> get(ResourceKind kind) {
    return kinds.get(kind);
  }

  void unreadable(String what) {
    unreadable.add(what);
    log.warn("lab {}: cannot read {}", labId, what);
  }

  /**
   * Runs a listing; a lasting failure makes the inventory incomplete rather than failing it, a
   * transient one (throttling, a 5xx) fails it so that Temporal tries again.
   */
  void read(String what, Runnable listing) {
    try {
      listing.run();
    } catch (SdkException e) {
      rethrowIfTransient(e);
      unreadable(what + " (" + LabInventory.reason(e) + ")");
    }
  }

  /** Runs a listing whose lasting failure leaves nothing unseen (see its caller). */
  void readOrLog(String what, Runnable listing) {
    try {
      listing.run();
    } catch (SdkException e) {
      rethrowIfTransient(e);
      log.warn("lab {}: cannot list {}: {}", labId, what, LabInventory.reason(e));
    }
  }

  static void rethrowIfTransient(SdkException e) {
    io.temporal.failure.ApplicationFailure f = AwsFailures.map(e);
    if (!f.isNonRetryable()) {
      throw f;
    }
  }

  /**
   * Checks one resource's tag; when the check fails, the resource counts as unreadable only if
   * it may be the lab's ({@code mayBeOurs}), else it is logged and left alone.
   */
  void check(String what, boolean mayBeOurs, BooleanSupplier owned,
      Runnable whenOwned) {
    // One call per resource of the account: beat on each (the SDK throttles what it sends).
    Heartbeats.beat("reading the tags of " + what);
    try {
      if (owned.getAsBoolean()) {
        whenOwned.run();
      }
    } catch (SdkException e) {
      if (e instanceof AwsServiceException ase
          && AwsFailures.hasCode(ase, "NoSuchEntity", "NoSuchBucket")) {
        return; // Deleted meanwhile (by its own lab): not there, so not ours.
      }
      if (mayBeOurs) {
        rethrowIfTransient(e);
        unreadable(what + " (" + LabInventory.reason(e) + ")");
      } else {
        log.warn("lab {}: cannot read the tags of {} (not named after the lab; left alone): {}",
            labId, what, LabInventory.reason(e));
      }
    }
  }

  LabResources toResources() {
    return new LabResources(
        labId,
        list(ResourceKind.STACKS),
        list(ResourceKind.INSTANCES),
        list(ResourceKind.VPCS),
        list(ResourceKind.BUCKETS),
        list(ResourceKind.ROLES),
        list(ResourceKind.POLICIES),
        list(ResourceKind.INSTANCE_PROFILES),
        list(ResourceKind.INTERNET_GATEWAYS),
        list(ResourceKind.SUBNETS),
        list(ResourceKind.ROUTE_TABLES),
        list(ResourceKind.SECURITY_GROUPS),
        list(ResourceKind.NETWORK_INTERFACES),
        list(ResourceKind.ASSOCIATIONS),
        list(ResourceKind.POLICY_VERSIONS),
        list(ResourceKind.OBJECTS),
        list(ResourceKind.UNKNOWN),
        unreadable);
  }

  private List<String> list(ResourceKind k) {
    return List.copyOf(kinds.get(k));
  }
}
