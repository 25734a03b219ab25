package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

@Tag("fast")
class TagCacheTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final List<Map.Entry<String, String>> OTHER_LAB =
      List.of(Map.entry("labflow:lab", "lab-b"), Map.entry("labflow:namespace", "default"));

  private static TagCache at(Instant now) {
    return new TagCache(Clock.fixed(now, ZoneOffset.UTC));
  }

  private static void remember(TagCache c, String id, Instant created,
      List<Map.Entry<String, String>> tags) {
    c.remember(id, created, tags, Map.Entry::getKey, Map.Entry::getValue);
  }

  @Test
  void anotherLabsTagsAreKeptAtOnceAndNeverSkipTheirOwnLab() {
    TagCache c = at(NOW);
    remember(c, "role:R1", NOW, OTHER_LAB);
    assertThat(c.knownNotOwned("role:R1", "lab-a")).isTrue();
    assertThat(c.knownNotOwned("role:R1", "lab-b")).as("its own lab reads it again").isFalse();
    assertThat(c.knownNotOwned("role:R2", "lab-a")).as("unknown").isFalse();
  }

  @Test
  void anUntaggedResourceIsKeptOnlyOnceSettled() {
    TagCache c = at(NOW);
    remember(c, "bucket:young", NOW.minus(TagCache.SETTLE).plusSeconds(1), List.of());
    remember(c, "bucket:old", NOW.minus(TagCache.SETTLE).minusSeconds(1), List.of());
    remember(c, "bucket:unknown-age", null, List.of());
    assertThat(c.knownNotOwned("bucket:young", "lab-a")).isFalse();
    assertThat(c.knownNotOwned("bucket:old", "lab-a")).isTrue();
    assertThat(c.knownNotOwned("bucket:unknown-age", "lab-a")).isFalse();
    assertThat(c.size()).isEqualTo(1);
  }

  @Test
  void anEntryIsReadAgainAfterItsTtlAndANullIdentityIsNeverKept() {
    Instant[] now = {NOW};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    TagCache c = new TagCache(moving);
    remember(c, "policy:P1", NOW, OTHER_LAB);
    now[0] = NOW.plus(TagCache.TTL).minusSeconds(1);
    assertThat(c.knownNotOwned("policy:P1", "lab-a")).isTrue();
    now[0] = NOW.plus(TagCache.TTL).plusSeconds(1);
    assertThat(c.knownNotOwned("policy:P1", "lab-a")).as("expired").isFalse();
    assertThat(c.size()).isZero();

    remember(c, null, NOW, OTHER_LAB);
    assertThat(c.knownNotOwned(null, "lab-a")).isFalse();
    assertThat(TagCache.bucket("b", null)).isNull();
    assertThat(c.size()).isZero();
  }

  /** Starts a thread asking whether the resource is lab-a's, recording the answer. */
  private static Thread ask(TagCache c, java.util.function.Supplier<List<Map.Entry<String, String>>> read,
      List<Object> answers) {
    Thread t = new Thread(() -> {
      try {
        answers.add(c.owned("role:R1", NOW, read, Map.Entry::getKey, Map.Entry::getValue, "lab-a"));
      } catch (RuntimeException e) {
        answers.add(e.getMessage());
      }
    });
    t.start();
    return t;
  }

  private static void awaitParked(List<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      assertThat(System.nanoTime()).as("threads waiting on the first read").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  @Test
  void overlappingReadsOfOneResourceAreOneRead() throws InterruptedException {
    TagCache c = at(NOW);
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Object> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Supplier<List<Map.Entry<String, String>>> read = () -> {
      reads.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return OTHER_LAB;
    };
    Thread first = ask(c, read, answers);
    awaitParked(List.of(first));
    List<Thread> others = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      others.add(ask(c, read, answers));
    }
    awaitParked(others);
    release.countDown();
    first.join(10_000);
    for (Thread t : others) {
      t.join(10_000);
    }
    assertThat(reads).hasValue(1);
    assertThat(answers).hasSize(8).containsOnly(false);
    assertThat(c.knownNotOwned("role:R1", "lab-a")).as("remembered").isTrue();
  }

  @Test
  void aFailedReadFailsOnlyItsCallerAndTheWaitersReadForThemselves() throws InterruptedException {
    TagCache c = at(NOW);
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Object> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread first = ask(c, () -> {
      reads.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      throw new IllegalStateException("throttled");
    }, answers);
    awaitParked(List.of(first));
    Thread second = ask(c, () -> {
      reads.incrementAndGet();
      return List.of(Map.entry("labflow:lab", "lab-a"), Map.entry("labflow:namespace", "default"));
    }, answers);
    awaitParked(List.of(second));
    release.countDown();
    first.join(10_000);
    second.join(10_000);
    assertThat(reads).hasValue(2);
    assertThat(answers).containsExactlyInAnyOrder("throttled", true);
  }

  @Test
  void aReadAwsDeniesIsRememberedLikeAnUntaggedResourceAndOtherFailuresAreNot() {
    TagCache c = at(NOW);
    var reads = new java.util.concurrent.atomic.AtomicInteger();
    Instant settled = NOW.minus(TagCache.SETTLE).minusSeconds(1);
    java.util.function.BiFunction<String, Instant, Boolean> ask = (code, created) ->
        c.<Map.Entry<String, String>>owned("role:" + code + created, created, () -> {
          reads.incrementAndGet();
          throw denied(code);
        }, Map.Entry::getKey, Map.Entry::getValue, "lab-a");

    assertThatThrownBy(() -> ask.apply("AccessDenied", settled))
        .isInstanceOf(AwsServiceException.class);
    // Not read again: no second denial in the account's CloudTrail, no second line in the log.
    assertThat(ask.apply("AccessDenied", settled)).isFalse();
    assertThat(reads).hasValue(1);
    // Nor when it is young: a denial does not change as tags do after a creation.
    Instant young = NOW.minusSeconds(1);
    assertThatThrownBy(() -> ask.apply("AccessDenied", young))
        .isInstanceOf(AwsServiceException.class);
    assertThat(ask.apply("AccessDenied", young)).isFalse();
    assertThat(reads).hasValue(2);
    // A throttled read is read again, and a resource the caller passes no identity for.
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> ask.apply("Throttling", settled))
          .isInstanceOf(AwsServiceException.class);
      assertThatThrownBy(() -> c.<Map.Entry<String, String>>owned(null, settled, () -> {
        reads.incrementAndGet();
        throw denied("AccessDenied");
      }, Map.Entry::getKey, Map.Entry::getValue, "lab-a")).isInstanceOf(AwsServiceException.class);
    }
    assertThat(reads).hasValue(6);
  }

  private static AwsServiceException denied(String code) {
    return AwsServiceException.builder().statusCode(403)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }

  @Test
  void aResourceGoneIsNotOwnedAndNotRemembered() {
    TagCache c = at(NOW);
    assertThat(c.<Map.Entry<String, String>>owned("role:R9", NOW, () -> null, Map.Entry::getKey, Map.Entry::getValue, "lab-a"))
        .isFalse();
    assertThat(c.size()).isZero();
  }
}
