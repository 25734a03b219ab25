package io.labflow.activities.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A lab's resources by kind (names, ids or ARNs): what carries its tag and what its stacks hold,
 * or what a sweep deleted. The one shape of the inventory, the sweep and the reset.
 *
 * <p>Its JSON is flat, {@code labId}, one list per kind under {@link ResourceKind#key()} in the
 * kinds' order, then {@code unreadable}: the shape recorded histories hold.
 *
 * @param labId the lab
 * @param kinds every kind, with its resources (stacks in any state but DELETE_COMPLETE, instances
 *     not terminated, route tables but a VPC's main one, security groups but a VPC's default one)
 * @param unreadable what could not be read, each with its reason: a non-empty list means the
 *     inventory may be incomplete
 */
public record LabResources(
    String labId, Map<ResourceKind, List<String>> kinds, List<String> unreadable) {

  public LabResources {
    Map<ResourceKind, List<String>> all = new EnumMap<>(ResourceKind.class);
    for (ResourceKind k : ResourceKind.values()) {
      List<String> given = kinds == null ? null : kinds.get(k);
      all.put(k, given == null ? List.of() : List.copyOf(given));
    }
    kinds = Collections.unmodifiableMap(all);
    unreadable = unreadable == null ? List.of() : List.copyOf(unreadable);
  }

  public List<String> get(ResourceKind kind) {
    return kinds.get(kind);
  }

  /** Whether nothing of any kind is left and everything could be read. */
  public boolean noneTagged() {
    return unreadable.isEmpty() && kinds.values().stream().allMatch(List::isEmpty);
  }

  /** For example {@code vpcs=1, internetGateways=1}, or {@code nothing}. */
  public String counts() {
    return described(List::size);
  }

  /** For example {@code vpcs=[vpc-1], internetGateways=[igw-1]}, or {@code nothing}. */
  public String listing() {
    return described(l -> l);
  }

  private String described(Function<List<?>, Object> each) {
    List<String> parts = new ArrayList<>();
    json().forEach((k, v) -> {
      if (v instanceof List<?> l && !l.isEmpty()) {
        parts.add(k + "=" + each.apply(l));
      }
    });
    return parts.isEmpty() ? "nothing" : String.join(", ", parts);
  }

  @JsonValue
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("labId", labId);
    kinds.forEach((k, v) -> json.put(k.key(), v));
    json.put("unreadable", unreadable);
    return json;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  @SuppressWarnings("unchecked")
  static LabResources fromJson(Map<String, Object> json) {
    Map<ResourceKind, List<String>> kinds = new EnumMap<>(ResourceKind.class);
    for (ResourceKind k : ResourceKind.values()) {
      kinds.put(k, (List<String>) json.get(k.key()));
    }
    return new LabResources(
        (String) json.get("labId"), kinds, (List<String>) json.get("unreadable"));
  }

  /** Collects a lab's resources by kind, each once, in the order they come. */
  public static class Builder {
    private final String labId;
    private final Map<ResourceKind, Set<String>> kinds = new EnumMap<>(ResourceKind.class);
    private final List<String> unreadable = new ArrayList<>();

    public Builder(String labId) {
      this.labId = labId;
      for (ResourceKind k : ResourceKind.values()) {
        kinds.put(k, new LinkedHashSet<>());
      }
    }

    public String labId() {
      return labId;
    }

    public void add(ResourceKind kind, String id) {
      kinds.get(kind).add(id);
    }

    /** The resources of one kind so far (the set itself). */
    public Set<String> get(ResourceKind kind) {
      return kinds.get(kind);
    }

    public void unreadable(String what) {
      unreadable.add(what);
    }

    public LabResources build() {
      Map<ResourceKind, List<String>> lists = new EnumMap<>(ResourceKind.class);
      kinds.forEach((k, v) -> lists.put(k, List.copyOf(v)));
      return new LabResources(labId, lists, unreadable);
    }
  }
}
