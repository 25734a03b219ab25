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

  /** The prefix of the workflow id of a lab's reset run: no lab's id begins with it. */
  public static final String RESET_PREFIX = "reset-";

  /** The prefix of the id of a fleet's Schedule, and of its nights' workflow ids. */
  public static final String FLEET_PREFIX = "fleet-";

  /** The rule as a regular expression, for schemas and other languages. */
  public static final String PATTERN = "^(?!" + RESET_PREFIX + ")[a-z][a-z0-9-]{0,40}$";

  /** The rule in words, for messages: the one sentence about lab ids. */
  public static final String RULE = DefinitionKeys.ID_RULE + ", at most 41 characters, not"
      + " beginning with " + RESET_PREFIX + " (a lab's reset's workflow id; e.g. lab-042)";

  /**
   * The prefix of the AWS names labflow gives (the shipped lab's {@code labflow-<labId>-role}, the
   * template bucket, the probe's session and objects): the worker's IAM policy is scoped to it.
   */
  public static final String NAME_PREFIX = "labflow-";

  private static final Pattern COMPILED = Pattern.compile(PATTERN);
  /** The rule before {@link #RESET_PREFIX} was kept out, as lab runs' workflow code checks it. */
  private static final Pattern SHAPE = Pattern.compile("^[a-z][a-z0-9-]{0,40}$");

  private LabIds() {}

  /** The workflow id of a reset of the lab: one at a time, whoever starts it. */
  public static String resetId(String labId) {
    return RESET_PREFIX + labId;
  }

  public static boolean isValid(String labId) {
    return labId != null && COMPILED.matcher(labId).matches();
  }

  /**
   * {@link #isValid} without the reset prefix: what workflow code checks, where a rule added later
   * would not replay a run started before it (a lab so named is refused by its first activity,
   * which applies the whole rule, before anything is created).
   */
  public static boolean hasShape(String labId) {
    return labId != null && SHAPE.matcher(labId).matches();
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
