package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.workflow.DynamicQueryHandler;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.Workflow;
import java.util.Arrays;
import java.util.List;

/**
 * Answers a query name the lab does not know with one sentence naming the queries it knows. The
 * SDK sends a failed query's stack trace as its message; this failure has none.
 */
final class UnknownQueries {

  /** The lab's queries, as declared on {@link LabWorkflow}. */
  static final List<String> KNOWN =
      Arrays.stream(LabWorkflow.class.getMethods())
          .filter(m -> m.isAnnotationPresent(QueryMethod.class))
          .map(m -> m.getAnnotation(QueryMethod.class).name().isEmpty()
              ? m.getName()
              : m.getAnnotation(QueryMethod.class).name())
          .sorted()
          .toList();

  private UnknownQueries() {}

  /** Registers the handler of every query name the lab does not declare. */
  static void register() {
    Workflow.registerListener(
        (DynamicQueryHandler)
            (name, args) -> {
              throw new Unknown(
                  "unknown query '" + name + "'; lab queries: " + String.join(", ", KNOWN));
            });
  }

  /** A refusal that prints as its sentence alone. */
  static final class Unknown extends RuntimeException {
    Unknown(String sentence) {
      super(sentence, null, false, false);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }
}
