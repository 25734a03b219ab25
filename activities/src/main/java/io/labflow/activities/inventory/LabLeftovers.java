package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.iam.IamEntities;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is left of a lab, for {@code labflow test} after its teardown: the lab's inventory by its
 * tag (the one the reset sweeps by), and by name every stack, role, customer managed policy,
 * instance profile and bucket whose name holds the lab id as a word, tagged or not (what a learner
 * made and the lab never adopted carries no tag). Read-only; runs outside an activity too.
 */
public final class LabLeftovers {

  private LabLeftovers() {}

  /** Each resource left as {@code kind name}, each once; empty when nothing is left. */
  public static List<String> of(AwsClients clients, String labId) {
    FoundResources found = new LabInventoryActivitiesImpl(
        clients, new IamEntities(clients), Map.of(), new TagCache()).walk(labId);
    Set<String> left = new LinkedHashSet<>();
    found.build().kinds()
        .forEach((kind, items) -> items.forEach(item -> left.add(kind.key() + " " + item)));
    left.addAll(found.named);
    found.build().unreadable().forEach(what -> left.add("unreadable " + what));
    return List.copyOf(left);
  }
}
