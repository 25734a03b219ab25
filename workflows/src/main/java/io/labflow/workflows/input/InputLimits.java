package io.labflow.workflows.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labflow.workflows.definition.ValueTypes;
import java.math.BigInteger;
import java.util.Map;

/**
 * Size bounds of what enters a lab from outside, well under Temporal's payload limits (a 2 MiB
 * blob fails a request; 512 KiB warns), and the small helpers every input parser shares.
 */
public final class InputLimits {

  /** A whole workflow input (a lab request or a reset request), inline definition included. */
  public static final int MAX_REQUEST_BYTES = 256 * 1024;

  /** One run parameter's value, as JSON. */
  public static final int MAX_PARAMETER_BYTES = 4 * 1024;

  public static final int MAX_PARAMETERS = 64;

  /** One text field of a request that names something (definition, variant, lab id). */
  public static final int MAX_NAME_CHARS = 128;

  /** One step's outputs, as JSON. */
  public static final int MAX_OUTPUT_BYTES = 64 * 1024;

  /** An update's or signal's argument, as JSON. */
  public static final int MAX_ARGUMENT_BYTES = 1024;

  /**
   * How deep a request's JSON may nest (objects and lists). Checked while the raw payload is read,
   * before anything deeper could fail a parser.
   */
  public static final int MAX_DEPTH = 32;

  /** How much of an offending value a message may quote. */
  public static final int QUOTE_CHARS = 64;

  private InputLimits() {}

  /** The size of a value as JSON, in bytes; {@code Long.MAX_VALUE} when it is not JSON. */
  public static long jsonBytes(Object value) {
    try {
      return RawJson.JSON.writeValueAsBytes(value).length;
    } catch (JsonProcessingException e) {
      return Long.MAX_VALUE;
    }
  }

  /** What kind of JSON value this is, for messages: "a string", "an object", ... */
  public static String describe(Object value) {
    return value instanceof Map<?, ?> ? "an object"
        : value instanceof BigInteger ? "an integer"
        : ValueTypes.describe(value);
  }

  /** The text, cut to {@link #QUOTE_CHARS} characters (with the full length) for messages. */
  public static String quote(String s) {
    return "'" + clip(s) + "'"
        + (s.length() <= QUOTE_CHARS ? "" : " (" + s.length() + " characters)");
  }

  /** The text cut to {@link #QUOTE_CHARS} characters, without quotes. */
  public static String clip(String s) {
    return s.length() <= QUOTE_CHARS ? s : s.substring(0, QUOTE_CHARS) + "...";
  }

  /** A size in bytes for people: {@code 1.9 MiB}, {@code 300 KiB}, {@code 12 bytes}. */
  public static String bytes(long n) {
    return n >= 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024))
        : n >= 1024 ? (n / 1024) + " KiB"
        : n + " bytes";
  }
}
