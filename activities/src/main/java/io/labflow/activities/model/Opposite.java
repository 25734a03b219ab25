package io.labflow.activities.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a list input that says the opposite of another list input of the same action (what must
 * be denied, against what must be allowed): no item may be in both, and they may not both be
 * empty. The action catalog reads it (by its simple name, as it reads {@link Limit}) so that
 * {@code validate}, {@code plan} and the start of a run refuse such a step before anything is
 * created, not when the step runs after the ones before it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.FIELD,
    ElementType.PARAMETER})
public @interface Opposite {

  /** The name of the input this one is the opposite of. */
  String value();
}
