package io.labflow.workflows.interpreter;

import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's in-workflow search-attribute updates, collected and sent as one upsert: every upsert
 * is a history event, so values that change together (a state change and the definition's name)
 * go out together.
 */
final class SearchAttributeBatch {

  private final List<SearchAttributeUpdate<?>> pending = new ArrayList<>();

  /** Queues a value for the next {@link #flush}; null unsets the attribute. */
  void set(SearchAttributeKey<String> key, String value) {
    pending.add(value == null ? key.valueUnset() : key.valueSet(value));
  }

  /** Sends every queued value in one upsert, in the order queued; nothing when none is queued. */
  void flush() {
    if (!pending.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(pending.toArray(new SearchAttributeUpdate<?>[0]));
      pending.clear();
    }
  }
}
