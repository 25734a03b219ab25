package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.workflows.lab.LabIds;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The template body of a new stack, read from the definitions directory, its request token, and
 * the template parameters labflow sets itself. The one reader of a step's {@code templateFile}: the
 * CreateStack activity, the worker's policy and a lab's needs read it here.
 */
public final class StackTemplates {

  private StackTemplates() {}

  /**
   * The text of a {@code templateFile}, a path relative to the definitions directory.
   *
   * @throws IllegalArgumentException naming the templateFile when it leaves the directory or
   *     cannot be read
   */
  public static String read(Path definitionsDir, String templateFile) {
    Path dir = definitionsDir.toAbsolutePath().normalize();
    Path p = dir.resolve(templateFile).normalize();
    if (!p.startsWith(dir)) {
      throw new IllegalArgumentException(
          "templateFile '" + templateFile + "' leaves the definitions directory " + dir);
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("templateFile '" + templateFile + "': cannot read " + p);
    }
  }

  /**
   * A request token that is the same for every attempt of one activity execution, so a retry after
   * a lost response cannot create a second stack, and different for a later run of the same lab.
   */
  static String token(String labId, String stackName) {
    String scope;
    try {
      ActivityInfo info = Activity.getExecutionContext().getInfo();
      scope = info.getRunId() + "/" + info.getActivityId();
    } catch (IllegalStateException e) {
      scope = "";
    }
    byte[] text = (labId + "/" + stackName + "/" + scope).getBytes(StandardCharsets.UTF_8);
    return LabIds.NAME_PREFIX + UUID.nameUUIDFromBytes(text).toString().replace("-", "");
  }

  /**
   * The step's parameters with those of the ownership tags added ({@code LabId}, {@code
   * LabNamespace}, {@code LabRun}; empty outside Temporal or when not called by the lab's own run),
   * so that a template tags every resource with every ownership tag whether or not the stack's own
   * tags propagate to it (on moto they reach no S3 bucket). Every template labflow creates a stack
   * from declares them.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidInput} when the step sets one of
   *     them to another value than labflow's
   */
  static Map<String, String> parameters(Map<String, String> step, Tags.Owner owner) {
    Map<String, String> own = new LinkedHashMap<>();
    own.put("LabId", owner.labId());
    own.put("LabNamespace", owner.namespace() == null ? "" : owner.namespace());
    own.put("LabRun", owner.runId() == null ? "" : owner.runId());
    Map<String, String> out = new LinkedHashMap<>(step == null ? Map.of() : step);
    own.forEach((k, v) -> {
      String given = out.put(k, v);
      if (given != null && !given.equals(v)) {
        throw AwsFailures.invalidInput("CreateStack: parameters." + k + " is '" + given
            + "', but labflow sets it itself to '" + v + "' (the ownership tags come from where"
            + " the step runs, not from its input)");
      }
    });
    return out;
  }
}
