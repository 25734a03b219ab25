package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.LabResources;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

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
    LabResources tagged =
        new LabInventory(clients, new IamEntities(clients), new TagCache()).find(labId);
    Set<String> left = new LinkedHashSet<>();
    tagged.kinds().forEach((kind, items) -> items.forEach(item -> left.add(kind.key() + " " + item)));
    Pattern word = LabInventory.labIdAsWord(labId);
    clients.cloudFormation()
        .listStacksPaginator(b -> b.stackStatusFilters(LabInventory.LIVE_STATUSES))
        .stackSummaries().stream()
        .filter(s -> s.stackStatus() != StackStatus.DELETE_COMPLETE
            && word.matcher(s.stackName()).find())
        .forEach(s -> left.add("stacks " + s.stackName()));
    var iam = clients.iam();
    iam.listRolesPaginator(b -> {}).roles().stream()
        .filter(r -> word.matcher(r.roleName()).find())
        .forEach(r -> left.add("roles " + r.roleName()));
    iam.listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies().stream()
        .filter(p -> word.matcher(p.policyName()).find())
        .forEach(p -> left.add("policies " + p.arn()));
    iam.listInstanceProfilesPaginator(b -> {}).instanceProfiles().stream()
        .filter(p -> word.matcher(p.instanceProfileName()).find())
        .forEach(p -> left.add("instanceProfiles " + p.instanceProfileName()));
    clients.s3().listBucketsPaginator(b -> {}).buckets().stream()
        .filter(b -> word.matcher(b.name()).find())
        .forEach(b -> left.add("buckets " + b.name()));
    return List.copyOf(left);
  }
}
