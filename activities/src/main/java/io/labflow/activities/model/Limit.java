package io.labflow.activities.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The limits AWS puts on a name an action creates (or the range of a number, such as a wait's
 * budget), declared once on the input field. The action catalog reads it (by its simple name, as
 * it reads {@code Nullable}) so that {@code validate}, {@code plan} and the start of a run check
 * names before anything is created.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.FIELD,
    ElementType.PARAMETER})
public @interface Limit {

  /** What a budget of seconds is, for messages. */
  String BUDGET = "budget in seconds";

  /** The longest wait a budget may ask for (seconds). */
  int MAX_BUDGET = 3600;

  /** What the value is, for messages: "S3 bucket name". */
  String what();

  /** The shortest allowed length; for a number, the smallest allowed value. */
  int min() default 1;

  /** The longest allowed length; for a number, the largest allowed value. */
  int max();

  /** A regular expression the whole value must match; empty for none. */
  String pattern() default "";

  /** The pattern in words, for messages. */
  String rule() default "";

  /** For a map field: the key whose value the limit applies to; empty for the field itself. */
  String key() default "";

  /** {@code arn}: the value must be the ARN of one IAM role or user; empty for no format. */
  String format() default "";
}
