package io.labflow.workflows.lab;

import io.labflow.workflows.definition.DefinitionKeys;
import io.labflow.workflows.input.InputLimits;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for a lab id. A lab id is the workflow id of the lab's run and the value of the
 * {@code labflow:lab} tag on every resource it creates, so it must be safe in both places (and
 * inside a visibility query): lowercase letters, digits and dashes, starting with a letter, at most
 * 41 characters.
 */
public final class LabIds {

  /** The rule as a regular expression, for schemas and other languages. */
  public static final String PATTERN = "^[a-z][a-z0-9-]{0,40}$";

  /** The rule in words, for messages: the one sentence about lab ids. */
  public static final String RULE =
      DefinitionKeys.ID_RULE + ", at most 41 characters (e.g. lab-042)";

  /** The prefix of the workflow id of a lab's reset run. */
  public static final String RESET_PREFIX = "reset-";

  /** The prefix of the id of a fleet's Schedule, and of its nights' workflow ids. */
  public static final String FLEET_PREFIX = "fleet-";

  /**
   * The prefix of the AWS names labflow gives (the shipped lab's {@code labflow-<labId>-role}, the
   * template bucket, the probe's session and objects): the worker's IAM policy is scoped to it.
   */
  public static final String NAME_PREFIX = "labflow-";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);

  private LabIds() {}

  /** The workflow id of a reset of the lab: one at a time, whoever starts it. */
  public static String resetId(String labId) {
    return RESET_PREFIX + labId;
  }

  public static boolean isValid(String labId) {
    return labId != null && COMPILED.matcher(labId).matches();
  }

  /**
   * Why a lab id is not valid, as the end of a sentence starting with its name ({@code "labId"}),
   * or empty when it is valid.
   */
  public static Optional<String> problem(String labId) {
    if (labId == null || labId.isBlank()) {
      return Optional.of("labId is required: " + RULE);
    }
    return isValid(labId)
        ? Optional.empty()
        : Optional.of("labId " + InputLimits.quote(labId) + " must be " + RULE);
  }
}
