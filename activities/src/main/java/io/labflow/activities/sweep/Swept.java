package io.labflow.activities.sweep;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;

/** What one sweep has done so far: what it deleted, what blocked it, and the failures behind. */
final class Swept {

  final LabResources.Builder deleted;
  final List<String> blocked = new ArrayList<>();
  final List<ApplicationFailure> failures = new ArrayList<>();
  /** The instances this sweep asked to terminate (and waited for). */
  final Set<String> terminated = new HashSet<>();
  /** How many calls failed so far, each time (blocked names a resource refused twice once). */
  int refusals;

  /** @param before what earlier attempts of the sweep deleted, as their last heartbeat said */
  Swept(String labId, Optional<LabResources> before) {
    this.deleted = new LabResources.Builder(labId);
    before.ifPresent(b -> b.kinds().forEach((kind, ids) -> ids.forEach(i -> deleted.add(kind, i))));
  }

  /** Records a deletion, and heartbeats it: a next attempt then knows it too. */
  void deleted(ResourceKind kind, String id) {
    deleted.add(kind, id);
    Waiting.beat("deleted " + kind.what() + " " + id);
  }

  /** Runs one delete; a failure is recorded as blocking and the sweep goes on. */
  boolean run(String what, Runnable delete) {
    try {
      delete.run();
      return true;
    } catch (SdkException e) {
      refused(what, e);
    } catch (ApplicationFailure f) {
      failures.add(f);
      block(what, f.getType() + ": " + f.getOriginalMessage());
    }
    return false;
  }

  /** Records that AWS refused (or failed) a call about {@code what}. */
  void refused(String what, SdkException e) {
    ApplicationFailure f = AwsFailures.map(e);
    failures.add(f);
    block(what, f.getOriginalMessage());
  }

  private void block(String what, String why) {
    refusals++;
    if (blocked.stream().noneMatch(b -> b.startsWith(what + ": "))) {
      blocked.add(what + ": " + why);
    }
  }
}
