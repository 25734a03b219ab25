package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Waiting;
import io.labflow.activities.model.LabResources;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** What one inventory found, and what it could not read. */
final class FoundResources extends LabResources.Builder {

  private static final Logger log = LoggerFactory.getLogger(FoundResources.class);

  /**
   * Every stack, role, customer managed policy, instance profile and bucket whose name holds the
   * lab id as a word, tagged or not, as {@code kind name} (for {@link
   * LabInventoryActivitiesImpl#leftovers}).
   */
  final Set<String> named = new LinkedHashSet<>();

  /** The lab id as a whole word of a name: lab-1 matches labflow-lab-1 but not labflow-lab-10. */
  private final Pattern labIdAsWord;

  FoundResources(String labId) {
    super(labId);
    labIdAsWord =
        Pattern.compile("(^|[^A-Za-z0-9])" + Pattern.quote(labId) + "($|[^A-Za-z0-9])");
  }

  /** Whether {@code name} holds the lab id as a word; if so, {@code left} is {@link #named}. */
  boolean namedAfterLab(String name, String left) {
    boolean found = labIdAsWord.matcher(name).find();
    if (found) {
      named.add(left);
    }
    return found;
  }

  @Override
  public void unreadable(String what) {
    super.unreadable(what);
    log.warn("lab {}: cannot read {}", labId(), what);
  }

  /**
   * Runs a listing; a lasting failure makes the inventory incomplete rather than failing it, a
   * transient one ({@link AwsFailures#rethrowIfAwsTransient}, which says which are) fails it so
   * that Temporal tries again.
   */
  void read(String what, Runnable listing) {
    read(what, true, listing);
  }

  /** The same; a lasting failure of a listing that leaves nothing unseen is only logged. */
  void read(String what, boolean unseen, Runnable listing) {
    try {
      listing.run();
    } catch (SdkException e) {
      AwsFailures.rethrowIfAwsTransient(e);
      if (unseen) {
        unreadable(what + " (" + reason(e) + ")");
      } else {
        log.warn("lab {}: cannot list {}: {}", labId(), what, reason(e));
      }
    }
  }

  /**
   * Reads one resource's tags ({@code read} keeps it when they are the lab's); when that fails,
   * the resource counts as unreadable only if it may be the lab's ({@code mayBeOurs}), else it is
   * logged and left alone.
   */
  void check(String what, boolean mayBeOurs, Runnable read) {
    // One call per resource of the account: beat on each (the SDK throttles what it sends).
    Waiting.beat("reading the tags of " + what);
    try {
      read.run();
    } catch (SdkException e) {
      if (e instanceof AwsServiceException ase
          && AwsFailures.hasCode(ase, "NoSuchEntity", "NoSuchBucket")) {
        return; // Deleted meanwhile (by its own lab): not there, so not ours.
      }
      if (mayBeOurs) {
        AwsFailures.rethrowIfAwsTransient(e);
        unreadable(what + " (" + reason(e) + ")");
      } else {
        log.warn("lab {}: cannot read the tags of {} (not named after the lab; left alone): {}",
            labId(), what, reason(e));
      }
    }
  }

  static String reason(SdkException e) {
    return AwsFailures.map(e).getOriginalMessage();
  }
}
