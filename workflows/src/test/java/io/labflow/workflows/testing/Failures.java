package io.labflow.workflows.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.failure.ApplicationFailure;

/** What a failed lab or update failed with, as a client sees it. */
public final class Failures {

  private Failures() {}

  /** The innermost {@link ApplicationFailure} in the cause chain of {@code t}; fails if none. */
  public static ApplicationFailure rootApplicationFailure(Throwable t) {
    ApplicationFailure found = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        found = af;
      }
    }
    assertThat(found).as("an ApplicationFailure in %s", t).isNotNull();
    return found;
  }
}
