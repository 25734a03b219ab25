package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class TagsTest {

  private static final Tags.Owner RUN_1 = new Tags.Owner("default", "lab-a", "run-1");

  private static List<Map.Entry<String, String>> tags(String... kv) {
    List<Map.Entry<String, String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.add(Map.entry(kv[i], kv[i + 1]));
    }
    return out;
  }

  private static boolean belongs(List<Map.Entry<String, String>> t, Tags.Owner o) {
    return Tags.belongs(Tags.asMap(t, Map.Entry::getKey, Map.Entry::getValue), o, null);
  }

  private static boolean created(List<Map.Entry<String, String>> t, Tags.Owner o) {
    return Tags.createdBy(Tags.asMap(t, Map.Entry::getKey, Map.Entry::getValue), o);
  }

  @Test
  void aCreateTagsTheLabNamespaceAndRun() {
    assertThat(RUN_1.tags())
        .containsExactly(
            Map.entry("labflow:lab", "lab-a"),
            Map.entry("labflow:namespace", "default"),
            Map.entry("labflow:run", "run-1"));
  }

  @Test
  void onlyTheSameRunAdopts() {
    var mine = tags("labflow:lab", "lab-a", "labflow:namespace", "default", "labflow:run", "run-1");
    assertThat(created(mine, RUN_1)).isTrue();
    assertThat(created(mine, new Tags.Owner("default", "lab-a", "run-2"))).isFalse();
    assertThat(created(mine, new Tags.Owner("other-ns", "lab-a", "run-1"))).isFalse();
    assertThat(created(mine, new Tags.Owner("default", "lab-b", "run-1"))).isFalse();
    // Forged by hand: only the lab tag.
    assertThat(created(tags("labflow:lab", "lab-a"), RUN_1)).isFalse();
  }

  @Test
  void theLabsNamespaceMayUseAndSweepAnyRunsResourcesButNoOtherNamespacesOnes() {
    var earlierRun = tags("labflow:lab", "lab-a", "labflow:namespace", "default", "labflow:run", "run-0");
    Tags.Owner reset = new Tags.Owner("default", "lab-a", null);
    assertThat(belongs(earlierRun, RUN_1)).isTrue();
    assertThat(belongs(earlierRun, reset)).isTrue();
    assertThat(belongs(earlierRun, new Tags.Owner("staging", "lab-a", null))).isFalse();
    assertThat(belongs(earlierRun, new Tags.Owner("default", "lab-b", null))).isFalse();
    assertThat(belongs(tags(), RUN_1)).isFalse();
  }

  @Test
  void aResourceWithoutTheNamespaceTagIsNoNamespacesLab() {
    // Case 1 of issue 17: moto tagged the stack's bucket labflow:lab only, and a reset in another
    // namespace took it for its own.
    var labOnly = tags("labflow:lab", "lab-a");
    assertThat(belongs(labOnly, new Tags.Owner("battery2", "lab-a", null))).isFalse();
    assertThat(belongs(labOnly, new Tags.Owner("default", "lab-a", null))).isFalse();
    assertThat(belongs(labOnly, RUN_1)).isFalse();
    assertThat(created(labOnly, RUN_1)).isFalse();
  }

  @Test
  void onlyTheNamespaceNamedToClaimThemTakesUnNamespacedResources() {
    Map<String, String> labOnly = Map.of("labflow:lab", "lab-a");
    Tags.Owner inDefault = new Tags.Owner("default", "lab-a", null);
    assertThat(Tags.belongs(labOnly, inDefault, "default")).isTrue();
    assertThat(Tags.belongs(labOnly, new Tags.Owner("battery2", "lab-a", null), "default"))
        .isFalse();
    assertThat(Tags.belongs(labOnly, new Tags.Owner("default", "lab-b", null), "default"))
        .isFalse();
    // A namespace tag, present, always decides: the claim never takes another namespace's.
    assertThat(Tags.belongs(
        Map.of("labflow:lab", "lab-a", "labflow:namespace", "battery2"), inDefault, "default"))
        .isFalse();
    assertThat(Tags.belongs(labOnly, inDefault, null)).isFalse();
    assertThat(Tags.claiming(" default ")).isEqualTo("default");
    assertThat(Tags.claiming("")).isNull();
    assertThat(Tags.claiming(null)).isNull();
  }

  @Test
  void aRefusedAdoptionSaysWhichLabflowTagsTheResourceCarries() {
    assertThatThrownBy(() -> Tags.requireCreatedHere(
            tags(), Map.Entry::getKey, Map.Entry::getValue, "role r", "lab-a"))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getOriginalMessage())
            .isEqualTo("role r exists but was not created by this run of lab lab-a (it carries no"
                + " labflow tags); labflow does not adopt it"));
    assertThatThrownBy(() -> Tags.requireCreatedHere(
            tags("Name", "x", "labflow:lab", "lab-b", "labflow:namespace", "default"),
            Map.Entry::getKey, Map.Entry::getValue, "role r", "lab-a"))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getOriginalMessage())
            .isEqualTo("role r exists but was not created by this run of lab lab-a (its labflow"
                + " tags are labflow:lab=lab-b, labflow:namespace=default); labflow does not adopt"
                + " it"));
  }

  @Test
  void outsideAnActivityTheLabTagDecides() {
    assertThat(Tags.owner("lab-a")).isEqualTo(new Tags.Owner(null, "lab-a", null));
  }
}
