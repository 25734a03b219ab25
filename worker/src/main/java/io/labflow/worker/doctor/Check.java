package io.labflow.worker.doctor;

import java.util.List;

/**
 * One concern of {@code labflow doctor}: it asks AWS or Temporal what it needs and answers with its
 * rows. A check never throws for what it finds: a failure is a FAIL row naming the fix, a question
 * it cannot answer an UNKNOWN row saying why. A new concern is one more implementation in
 * {@link Doctor#CHECKS}.
 */
public interface Check {

  /**
   * The rows of this check.
   *
   * @param setting what every check shares: the AWS clients and identity, definitions, task queue
   */
  List<Row> rows(Setting setting);
}
