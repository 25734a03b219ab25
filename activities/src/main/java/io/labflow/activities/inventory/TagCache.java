package io.labflow.activities.inventory;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.workflows.lab.FailureTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The labflow tags of IAM entities and buckets, read once per worker process and keyed by a
 * resource's immutable identity, so that one lab's inventory does not read the tags of every other
 * lab's resources again; overlapping reads of one resource are one read. It only ever lets the
 * inventory <em>skip</em> a resource whose tags give it to another lab or to nobody, and every
 * delete reads the tag again, so a stale entry cannot make labflow delete anything. Why each bound
 * ({@link #SETTLE}, {@link #TTL}) is safe: docs/aws.md, "The inventory's cost".
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
  /** Tag reads in flight, by identity: the labflow tags, or null for a resource that is gone. */
  private final Map<String, CompletableFuture<Map<String, String>>> reading =
      new ConcurrentHashMap<>();

  TagCache(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether the cache knows that the resource is not the lab's, so its tags need not be read:
   * true only for a fresh entry whose tags do not give the resource to the lab.
   */
  boolean knownNotOwned(String identity, String labId) {
    Entry e = identity == null ? null : entries.get(identity);
    if (e != null && e.readAt().plus(TTL).isBefore(clock.instant())) {
      entries.remove(identity, e);
      return false;
    }
    return e != null && !ownedBy(e.tags(), labId);
  }

  /**
   * Whether the resource's tags give it to the lab: false without a read when {@link
   * #knownNotOwned}, else read with {@code read} (null: the resource is gone) and remembered; a
   * read of the same identity already in flight is waited for instead of made again. A failed read
   * fails only its own caller: the others read for themselves. A read AWS denies is thrown, and
   * remembered as tags that give the resource to nobody: callers pass a null {@code identity}
   * (never kept) for a resource that may be the lab's, which they report when unreadable.
   */
  <T> boolean owned(String identity, Instant created, Supplier<List<T>> read,
      Function<T, String> key, Function<T, String> value, String labId) {
    Supplier<Map<String, String>> readTags = () -> {
      List<T> tags;
      try {
        tags = read.get();
      } catch (AwsServiceException e) {
        if (identity != null && AwsFailures.hasCode(e, FailureTypes.ACCESS_DENIED)) {
          // Left alone by the caller, which may not delete it either: under a least-privilege
          // policy every other entity of the account is one, and reading it again each time
          // would add a denial to the account's CloudTrail and a line to the worker's log.
          keep(identity, Map.of(), clock.instant());
        }
        throw e;
      }
      return tags == null ? null : remember(identity, created, tags, key, value);
    };
    if (identity == null) {
      return ownedBy(readTags.get(), labId);
    }
    if (knownNotOwned(identity, labId)) {
      return false;
    }
    CompletableFuture<Map<String, String>> mine = new CompletableFuture<>();
    CompletableFuture<Map<String, String>> running = reading.putIfAbsent(identity, mine);
    if (running != null) {
      try {
        return ownedBy(running.join(), labId);
      } catch (CompletionException failed) {
        return !knownNotOwned(identity, labId) && ownedBy(readTags.get(), labId);
      }
    }
    try {
      mine.complete(readTags.get());
      return ownedBy(mine.join(), labId);
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      reading.remove(identity, mine);
    }
  }

  private static boolean ownedBy(Map<String, String> labflow, String labId) {
    return labflow != null
        && Tags.owned(labflow.entrySet(), Map.Entry::getKey, Map.Entry::getValue, labId);
  }

  /**
   * Records the tags just read of a resource created at {@code created} (null if unknown), and
   * returns its labflow tags. Tags that name a lab are kept at once: labflow writes them when it
   * creates a resource and never changes them. A resource with no lab tag is kept only once it is
   * older than {@link #SETTLE}, since CloudFormation creates a bucket first and tags it a moment
   * later.
   */
  <T> Map<String, String> remember(String identity, Instant created, Collection<T> tags,
      Function<T, String> key, Function<T, String> value) {
    Map<String, String> labflow = new LinkedHashMap<>();
    tags.stream().filter(t -> List.of(Tags.LAB_TAG, Tags.NAMESPACE_TAG).contains(key.apply(t)))
        .forEach(t -> labflow.put(key.apply(t), value.apply(t)));
    Instant now = clock.instant();
    boolean settled = created != null && created.plus(SETTLE).isBefore(now);
    if (identity != null && (labflow.containsKey(Tags.LAB_TAG) || settled)) {
      keep(identity, Map.copyOf(labflow), now);
    }
    return labflow;
  }

  private void keep(String identity, Map<String, String> labflow, Instant now) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(identity, new Entry(labflow, now));
  }

  /** Entries held (for tests and logs). */
  int size() {
    return entries.size();
  }

  /** A bucket's name is reused after its deletion: with its creation date, or null if unknown. */
  static String bucket(String name, Instant created) {
    return created == null ? null : "bucket:" + name + "@" + created;
  }
}
