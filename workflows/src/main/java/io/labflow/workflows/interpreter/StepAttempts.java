package io.labflow.workflows.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityInfo;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor.ActivityOutput;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Lets a lab's status show the attempt Temporal really ran a step as.
 *
 * <p>The workflow learns of an activity's result, not of its attempt number, and recording one
 * event per retry would grow the history. So, on the worker, this interceptor adds the attempt to
 * the result of a step that succeeded on a retry ({@value #KEY}, only when it is above 1, so first
 * attempts keep their payloads as they were); the interpreter takes it out again before the
 * result becomes the step's outputs ({@link #takeAttempt}). Only results of a {@link LabWorkflow}'s
 * (non-local) activities that are JSON objects are touched.
 */
public final class StepAttempts extends ActivityExecutionInterceptor {

  public static final String KEY = "labflow:attempt";

  private static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Override
  protected ActivityOutput around(ActivityInfo info, Supplier<ActivityOutput> execution) {
    ActivityOutput out = execution.get();
    if (info.getAttempt() <= 1
        || info.isLocal()
        || !LabWorkflow.TYPE.equals(info.getWorkflowType())
        || out.getResult() == null) {
      return out;
    }
    JsonNode tree = JSON.valueToTree(out.getResult());
    if (!(tree instanceof ObjectNode object)) {
      return out;
    }
    object.put(KEY, info.getAttempt());
    return new ActivityOutput(JSON.convertValue(object, LinkedHashMap.class));
  }

  /** Takes {@value #KEY} out of a step's result; returns the attempt it names (1 when none). */
  static int takeAttempt(Map<String, Object> result) {
    return result != null && result.remove(KEY) instanceof Number n ? Math.max(1, n.intValue()) : 1;
  }
}
