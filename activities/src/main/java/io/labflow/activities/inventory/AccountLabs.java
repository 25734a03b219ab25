package io.labflow.activities.inventory;

import io.labflow.activities.cloudformation.Stacks;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.ec2.Ec2Walk;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.s3.S3Buckets;
import io.labflow.workflows.lab.FailureTypes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

/**
 * Every lab that has resources in the account, whatever the lab: each stack, EC2 resource, role,
 * customer managed policy, instance profile and bucket (of the worker's Region) carrying {@value
 * Tags#LAB_TAG}, filed by its lab and namespace tags ({@code labflow leaks}). The same calls as a
 * lab's inventory ({@link AccountScan}), so the worker's policy allows them, but the lab is not
 * known beforehand: EC2 by a {@code tag-key} filter, every stack, IAM entity and bucket by its
 * tags, one call each. What cannot be read is said, never taken for "no lab there". Read-only.
 *
 * @param labs each lab's resources, by namespace ({@code ""} for resources without {@value
 *     Tags#NAMESPACE_TAG}) then lab id, in order
 * @param denied by kind, the resources whose tags these credentials may not read (AccessDenied):
 *     the worker's own policy lets it read only those under its lab name prefixes
 * @param unreadable every other listing or resource that could not be read, with AWS's reason
 */
public record AccountLabs(Map<String, Map<String, LabResources>> labs,
    Map<ResourceKind, List<String>> denied, List<String> unreadable) {

  /**
   * Reads the account through {@code clients}; {@code said} hears, before each kind's tag reads,
   * how many there are (one call each: an account of many roles takes a while).
   */
  public static AccountLabs scan(AwsClients clients, Consumer<String> said) {
    Scan s = new Scan(said);
    Ec2Walk ec2 = new Ec2Walk(clients.ec2());
    for (ResourceKind kind : Ec2Walk.KINDS) {
      s.read("EC2 " + kind.plural(), () -> ec2.list(kind, Ec2Walk.filter("tag-key", Tags.LAB_TAG))
          .stream().filter(Ec2Walk.Found::own)
          .forEach(r -> s.file(kind, r.id(), r.tags(), t -> t.key(), t -> t.value())));
    }
    Stacks stacks = new Stacks(clients.cloudFormation());
    s.each(ResourceKind.STACKS, () -> clients.cloudFormation()
            .listStacksPaginator(b -> b.stackStatusFilters(LabInventoryActivitiesImpl.LIVE_STATUSES))
            .stackSummaries().stream().toList(), StackSummary::stackName,
        st -> stacks.describe(st.stackId()).map(Stack::tags).orElse(null),
        t -> t.key(), t -> t.value());
    IamEntities iam = new IamEntities(clients);
    s.each(ResourceKind.ROLES, () -> iam.client().listRolesPaginator(b -> {}).roles().stream()
        .toList(), Role::roleName, r -> iam.roleTags(r.roleName()), Tag::key, Tag::value);
    s.each(ResourceKind.POLICIES, () -> iam.client()
            .listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies().stream().toList(),
        Policy::arn, p -> iam.policyTags(p.arn()), Tag::key, Tag::value);
    s.each(ResourceKind.INSTANCE_PROFILES, () -> iam.client().listInstanceProfilesPaginator(b -> {})
            .instanceProfiles().stream().toList(), InstanceProfile::instanceProfileName,
        p -> iam.profile(p.instanceProfileName()).map(InstanceProfile::tags).orElse(null),
        Tag::key, Tag::value);
    S3Buckets buckets = new S3Buckets(clients.s3());
    // A lab's bucket is in the worker's Region; one of another Region cannot be read from here.
    String region = clients.s3().serviceClientConfiguration().region().id();
    s.each(ResourceKind.BUCKETS, () -> clients.s3().listBucketsPaginator(b -> b.bucketRegion(region))
            .buckets().stream().toList(), Bucket::name, b -> buckets.tags(b.name()),
        t -> t.key(), t -> t.value());
    return s.result();
  }

  /** The labs of one namespace ({@code ""}: resources without a namespace tag); none: empty. */
  public Map<String, LabResources> of(String namespace) {
    return labs.getOrDefault(namespace, Map.of());
  }

  private static final class Scan {
    private final Consumer<String> said;
    private final Map<String, Map<String, LabResources.Builder>> labs = new TreeMap<>();
    private final Map<ResourceKind, List<String>> denied = new EnumMap<>(ResourceKind.class);
    private final List<String> unreadable = new ArrayList<>();

    Scan(Consumer<String> said) {
      this.said = said;
    }

    /** Lists one kind, says how many tag reads follow, then files each resource by its tags. */
    <E, T> void each(ResourceKind kind, Supplier<List<E>> listing, Function<E, String> id,
        Function<E, Collection<T>> tags, Function<T, String> key, Function<T, String> value) {
      read(kind.plural(), () -> {
        List<E> all = listing.get();
        said.accept("reading the tags of " + all.size() + " "
            + (all.size() == 1 ? kind.what() : kind.plural()) + " (one call each)");
        all.forEach(e -> tags(kind, id.apply(e), () -> tags.apply(e), key, value));
      });
    }

    void read(String what, Runnable listing) {
      try {
        listing.run();
      } catch (SdkException e) {
        unreadable.add(what + " (" + FoundResources.reason(e) + ")");
      }
    }

    /** Files one resource by its tags, read by {@code tags} (null: the resource is gone). */
    <T> void tags(ResourceKind kind, String id, Supplier<? extends Collection<T>> tags,
        Function<T, String> key, Function<T, String> value) {
      Collection<T> read;
      try {
        read = tags.get();
      } catch (SdkException e) {
        if (e instanceof AwsServiceException ase && AwsFailures.hasCode(ase, FailureTypes.ACCESS_DENIED)) {
          denied.computeIfAbsent(kind, k -> new ArrayList<>()).add(id);
        } else if (!(e instanceof AwsServiceException ase
            && AwsFailures.hasCode(ase, IamEntities.NO_SUCH_ENTITY, S3Buckets.NO_SUCH_BUCKET))) {
          unreadable.add(kind.what() + " " + id + " (" + FoundResources.reason(e) + ")");
        } // else deleted since the listing: not there.
        return;
      }
      if (read != null) {
        file(kind, id, read, key, value);
      }
    }

    <T> void file(ResourceKind kind, String id, Collection<T> tags, Function<T, String> key,
        Function<T, String> value) {
      Map<String, String> m = Tags.asMap(tags, key, value);
      String lab = m.get(Tags.LAB_TAG);
      if (lab != null) {
        labs.computeIfAbsent(m.getOrDefault(Tags.NAMESPACE_TAG, ""), n -> new TreeMap<>())
            .computeIfAbsent(lab, LabResources.Builder::new).add(kind, id);
      }
    }

    AccountLabs result() {
      Map<String, Map<String, LabResources>> built = new TreeMap<>();
      labs.forEach((ns, byLab) -> {
        Map<String, LabResources> m = new TreeMap<>();
        byLab.forEach((lab, b) -> m.put(lab, b.build()));
        built.put(ns, m);
      });
      return new AccountLabs(built, denied, List.copyOf(unreadable));
    }
  }
}
