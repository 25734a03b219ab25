package io.labflow.activities.inventory;

import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.s3.S3Buckets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * The IAM and S3 part of a lab's inventory. IAM and S3 have no lookup by tag: every role, policy,
 * profile and bucket of the account is listed and checked by its tag, each on its own (so one that
 * cannot be read is reported, not fatal), through the worker's {@link TagCache}.
 */
record AccountScan(S3Client s3, IamEntities entities, TagCache cache) {

  private static final int OBJECTS_LISTED = 100;

  void iamResources(FoundResources f) {
    keepLabs(f, "roles", ResourceKind.ROLES, entities.client().listRolesPaginator(b -> {}).roles(),
        r -> "role:" + r.roleId(), Role::roleName, Role::roleName, Role::createDate,
        r -> entities.roleTags(r.roleName()), r -> f.add(ResourceKind.ROLES, r.roleName()));
    keepLabs(f, "policies", ResourceKind.POLICIES,
        entities.client().listPoliciesPaginator(b -> b.scope(PolicyScopeType.LOCAL)).policies(),
        p -> "policy:" + p.policyId(), Policy::arn, Policy::policyName, Policy::createDate,
        p -> entities.policyTags(p.arn()), p -> {
          f.add(ResourceKind.POLICIES, p.arn());
          entities.client().listPolicyVersionsPaginator(b -> b.policyArn(p.arn())).versions()
              .forEach(v -> f.add(ResourceKind.POLICY_VERSIONS, p.arn() + "#" + v.versionId()));
        });
    // GetInstanceProfile returns the tags (and moto lacks ListInstanceProfileTags).
    keepLabs(f, "instance profiles", ResourceKind.INSTANCE_PROFILES,
        entities.client().listInstanceProfilesPaginator(b -> {}).instanceProfiles(),
        p -> "profile:" + p.instanceProfileId(), InstanceProfile::instanceProfileName,
        InstanceProfile::instanceProfileName, InstanceProfile::createDate,
        p -> entities.profile(p.instanceProfileName()).map(InstanceProfile::tags).orElse(null),
        p -> f.add(ResourceKind.INSTANCE_PROFILES, p.instanceProfileName()));
  }

  /**
   * Lists one kind of IAM entity ({@code all}, a paginator's items) and keeps the lab's: those
   * whose name holds the lab id as a word and whose tags (cached by {@code key}) are the lab's.
   * Each named after the lab, tagged or not, is also in {@link FoundResources#named}.
   */
  private <T> void keepLabs(FoundResources f, String list, ResourceKind kind, Iterable<T> all,
      Function<T, String> key, Function<T, String> label, Function<T, String> name,
      Function<T, Instant> created, Function<T, List<Tag>> tags, Consumer<T> keep) {
    f.read(list, () -> {
      for (T e : all) {
        boolean named = f.namedAfterLab(name.apply(e), kind.key() + " " + label.apply(e));
        // One named after the lab is always read: the lab may have adopted it since (tagged it).
        String k = named ? null : key.apply(e);
        f.check(kind.what() + " " + label.apply(e), named, () -> {
          if (cache.owned(k, created.apply(e), () -> tags.apply(e), Tag::key, Tag::value,
              f.labId())) {
            keep.accept(e);
          }
        });
      }
    });
  }

  void s3Resources(FoundResources f) {
    Map<String, Instant> names = new LinkedHashMap<>();
    f.get(ResourceKind.BUCKETS).forEach(name -> names.put(name, null));
    f.read("buckets", () -> {
      // A lab's stack makes its bucket in the worker's Region; S3 answers a read of a bucket of
      // another Region from here 301 PermanentRedirect (never the lab's, read for nothing).
      String region = s3.serviceClientConfiguration().region().id();
      for (Bucket b : s3.listBucketsPaginator(r -> r.bucketRegion(region)).buckets()) {
        names.put(b.name(), b.creationDate());
      }
    });
    Set<String> stackBuckets = Set.copyOf(f.get(ResourceKind.BUCKETS));
    f.get(ResourceKind.BUCKETS).clear();
    for (Map.Entry<String, Instant> bucket : names.entrySet()) {
      String name = bucket.getKey();
      // A bucket of the lab's own stack is the lab's even without the tag; others need the tag.
      boolean inStack = stackBuckets.contains(name);
      boolean named = f.namedAfterLab(name, "buckets " + name);
      // One named after the lab is always read, as IAM entities are (a denial is reported).
      String key = named ? null : TagCache.bucket(name, bucket.getValue());
      f.check("bucket " + name, inStack || named, () -> {
        if (inStack || cache.owned(key, bucket.getValue(), () -> new S3Buckets(s3).tags(name),
            software.amazon.awssdk.services.s3.model.Tag::key,
            software.amazon.awssdk.services.s3.model.Tag::value, f.labId())) {
          f.add(ResourceKind.BUCKETS, name);
          s3.listObjectVersionsPaginator(b -> b.bucket(name)).versions().stream()
              .limit(OBJECTS_LISTED)
              .forEach(v -> f.add(
                  ResourceKind.OBJECTS, name + "/" + v.key() + "#" + v.versionId()));
        }
      });
    }
  }
}
