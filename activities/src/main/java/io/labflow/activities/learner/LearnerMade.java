package io.labflow.activities.learner;

import io.labflow.activities.common.Tags;
import io.labflow.activities.iam.IamEntities;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Whether a resource under the lab's names is the learner's, so the lab may take it and delete
 * it: it exists, was created at or after the lab's start, and carries no other lab's tag. A
 * resource so taken is tagged as the lab's, then deleted by the lab's own delete code.
 */
final class LearnerMade {

  private final String labId;
  private final Instant notBefore;
  private final List<String> untouched;

  LearnerMade(String labId, Instant notBefore, List<String> untouched) {
    this.labId = labId;
    this.notBefore = notBefore;
    this.untouched = untouched;
  }

  /**
   * True when the resource is the lab's to delete (tagging it as the lab's first when the learner
   * left it untagged); false when it is missing or not the lab's (then noted as untouched).
   */
  boolean claim(String what, Optional<Instant> created, Supplier<List<Tag>> tags,
      Consumer<List<Tag>> tag) {
    if (created.isEmpty()) {
      return false;
    }
    if (created.get().isBefore(notBefore)) {
      untouched.add(what + " (created " + created.get() + ", before the lab started at "
          + notBefore + ")");
      return false;
    }
    List<Tag> current = tags.get();
    String lab = current.stream().filter(t -> Tags.LAB_TAG.equals(t.key())).map(Tag::value)
        .findFirst().orElse(null);
    if (lab == null) {
      tag.accept(IamEntities.tagsForCreate(labId));
      return true;
    }
    if (!lab.equals(labId)) {
      untouched.add(what + " (tagged as lab " + lab + "'s)");
      return false;
    }
    return true;
  }
}
