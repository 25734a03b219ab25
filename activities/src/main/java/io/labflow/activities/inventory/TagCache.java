package io.labflow.activities.inventory;

import io.labflow.activities.common.Ownership;
import io.labflow.activities.common.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The labflow tags of IAM entities and buckets, read once per worker process, so that one lab's
 * inventory does not read the tags of every other lab's resources again (IAM and S3 have no lookup
 * by tag; see docs/aws.md, "The inventory's cost").
 *
 * <p>Keyed by a resource's immutable identity (RoleId, PolicyId, InstanceProfileId, a bucket's name
 * with its creation date): a resource deleted and made again under the same name is a new key.
 * The cache only ever lets the inventory <em>skip</em> a resource whose tags say it is another
 * lab's or nobody's; a resource whose cached tags say it may be the lab's is read again, and every
 * delete re-reads the tag right before it, so a stale entry cannot make labflow delete anything.
 *
 * <p>What a stale entry could do is hide a resource whose tags were changed after they were read.
 * labflow never changes a resource's tags after creating it, so two cases remain, and both are
 * bounded: an untagged resource younger than {@link #SETTLE} is not cached (CloudFormation tags a
 * bucket just after creating it), and an entry is read again after {@link #TTL} (a person who
 * tags an existing resource by hand).
 */
final class TagCache {

  /** Resources created less than this long ago are always read, never cached. */
  static final Duration SETTLE = Duration.ofMinutes(10);

  /** How long an entry is trusted. */
  static final Duration TTL = Duration.ofHours(1);

  /** Bound on memory; past it the cache starts again (a few hundred bytes an entry). */
  static final int MAX_ENTRIES = 200_000;

  private record Entry(Map<String, String> tags, Instant readAt) {}

  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  TagCache() {
    this(Clock.systemUTC());
  }

  TagCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether the cache knows that the resource is not the lab's, so its tags need not be read:
   * true only for a fresh entry whose tags do not give the resource to the lab.
   */
  boolean knownNotOwned(String identity, String labId) {
    if (identity == null) {
      return false;
    }
    Entry e = entries.get(identity);
    if (e == null) {
      return false;
    }
    if (e.readAt().plus(TTL).isBefore(clock.instant())) {
      entries.remove(identity, e);
      return false;
    }
    return !Tags.owned(e.tags().entrySet(), Map.Entry::getKey, Map.Entry::getValue, labId);
  }

  /**
   * Records the tags just read of a resource created at {@code created} (null if unknown). Tags
   * that name a lab are kept at once: labflow writes them when it creates a resource and never
   * changes them. A resource with no lab tag is kept only once it is older than {@link #SETTLE},
   * since CloudFormation creates a bucket first and tags it a moment later.
   */
  <T> void remember(String identity, Instant created, Collection<T> tags,
      Function<T, String> key, Function<T, String> value) {
    if (identity == null) {
      return;
    }
    Map<String, String> labflow = new LinkedHashMap<>();
    for (T t : tags) {
      String k = key.apply(t);
      if (Ownership.LAB_TAG.equals(k) || Ownership.NAMESPACE_TAG.equals(k)) {
        labflow.put(k, value.apply(t));
      }
    }
    Instant now = clock.instant();
    boolean settled = created != null && created.plus(SETTLE).isBefore(now);
    if (!labflow.containsKey(Ownership.LAB_TAG) && !settled) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(identity, new Entry(Map.copyOf(labflow), now));
  }

  /** Entries held (for tests and logs). */
  int size() {
    return entries.size();
  }

  /** Lookup keys of the kinds it holds. */
  static String role(String roleId) {
    return "role:" + roleId;
  }

  static String policy(String policyId) {
    return "policy:" + policyId;
  }

  static String profile(String profileId) {
    return "profile:" + profileId;
  }

  /** A bucket's name is reused after its deletion: with its creation date, or null if unknown. */
  static String bucket(String name, Instant created) {
    return created == null ? null : "bucket:" + name + "@" + created;
  }
}
