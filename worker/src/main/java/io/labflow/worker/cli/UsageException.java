package io.labflow.worker.cli;

/** A mistake in how a command was called (exit code 2). */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
