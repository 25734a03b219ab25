package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
}
