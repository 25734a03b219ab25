package io.labflow.workflows.interpreter;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * A lab's search attributes, queued and sent in one upsert: every upsert is a history event, and
 * {@code LabState} changes only with the state, never per step (N steps stay within 6N+12 events).
 */
final class SearchAttributeQueue {

  private final List<SearchAttributeUpdate<?>> queued = new ArrayList<>();

  /** Queues a value for the next upsert; null unsets it. */
  void set(SearchAttributeKey<String> key, String value) {
    queued.add(value == null ? key.valueUnset() : key.valueSet(value));
  }

  /**
   * Queues a value the request names; null keeps the one the run started with and returns it (the
   * command line and the reset name an inline definition's name and variant at start).
   */
  String setOrKeep(SearchAttributeKey<String> key, String value) {
    if (value == null) {
      return Workflow.getTypedSearchAttributes().get(key);
    }
    set(key, value);
    return value;
  }

  /** Sends what is queued, if anything, in one upsert. */
  void flush() {
    if (!queued.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(queued.toArray(new SearchAttributeUpdate<?>[0]));
      queued.clear();
    }
  }
}
