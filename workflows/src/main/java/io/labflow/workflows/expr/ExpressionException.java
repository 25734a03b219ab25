package io.labflow.workflows.expr;

/** A template that cannot be parsed or a reference that cannot be resolved. */
public final class ExpressionException extends RuntimeException {
  public ExpressionException(String message) {
    super(message);
  }
}
