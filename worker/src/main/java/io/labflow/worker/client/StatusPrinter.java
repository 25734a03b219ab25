package io.labflow.worker.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.StepStatus;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a lab status for people, or as JSON for scripts. */
public final class StatusPrinter {

  private static final ObjectMapper JSON =
      JacksonJsonPayloadConverter.newDefaultObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final ObjectMapper COMPACT = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  private StatusPrinter() {}

  public static void printJson(Object value, PrintWriter out) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  public static void print(LabStatus s, PrintWriter out) {
    out.printf("Lab %s  definition=%s  variant=%s  state=%s%n",
        s.labId(), s.definition(), s.variant(), s.state());
    if (s.steps() != null && !s.steps().isEmpty()) {
      int width = s.steps().stream().mapToInt(st -> st.id().length()).max().orElse(4);
      int actionWidth = s.steps().stream()
          .mapToInt(st -> st.action() == null ? 0 : st.action().length()).max().orElse(6);
      for (StepStatus st : s.steps()) {
        out.printf("  %-20s %-" + width + "s  %-" + actionWidth + "s  attempt %d%s%n",
            st.state(), st.id(), st.action() == null ? "" : st.action(), st.attempt(),
            st.lastError() == null ? "" : "  error: " + oneLine(st.lastError()));
        printAccessMatrix(st.outputs(), out);
      }
    }
    if (s.pausedStep() != null) {
      out.printf("Paused at step %s. Decide with: labflow resume %s --retry|--skip|--rollback%n",
          s.pausedStep(), s.labId());
    }
    if (s.lastError() != null) {
      out.println("Last error: " + oneLine(s.lastError()));
    }
    if (s.notice() != null) {
      out.println("Notice: " + oneLine(s.notice()));
    }
    if (s.learner() != null) {
      LearnerPrinter.printProgress(s.learner(), out);
    }
  }

  /**
   * Prints the access matrix of a VerifyAccess step, one action a line, so a person sees what the
   * verification proved rather than only that it passed.
   */
  static void printAccessMatrix(Map<String, Object> outputs, PrintWriter out) {
    if (outputs == null || !(outputs.get("matrix") instanceof List<?> matrix)) {
      return;
    }
    for (Object cell : matrix) {
      if (cell instanceof Map<?, ?> c) {
        boolean allowed = Boolean.TRUE.equals(c.get("allowed"));
        boolean expected = Boolean.TRUE.equals(c.get("expectedAllowed"));
        out.printf("      %-16s %-8s (expected %s)%s  on %s%n",
            c.get("action"), allowed ? "allowed" : "denied", expected ? "allowed" : "denied",
            allowed == expected ? "" : "  MISMATCH", c.get("resource"));
      }
    }
  }

  /** A one-line summary of a step's outputs, for progress lines. */
  public static String outputs(Map<String, Object> outputs) {
    if (outputs == null || outputs.isEmpty()) {
      return "";
    }
    String s = outputs.entrySet().stream().map(e -> e.getKey() + "=" + scalar(e.getValue()))
        .collect(Collectors.joining(" "));
    return s.length() > 160 ? s.substring(0, 157) + "..." : s;
  }

  /** A value as a person reads it: text as is, anything nested as compact JSON. */
  private static String scalar(Object value) {
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    try {
      return COMPACT.writeValueAsString(value);
    } catch (Exception e) {
      return String.valueOf(value);
    }
  }

  static String oneLine(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > 300 ? one.substring(0, 297) + "..." : one;
  }
}
