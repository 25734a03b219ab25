package io.labflow.workflows.interpreter;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.FailureConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.DefaultFailureConverter;
import io.temporal.internal.worker.WorkflowExecutionException;

/**
 * The default failure converter with two fixes: an update validator's {@code ApplicationFailure}
 * reaches the caller as itself (its type, its one-line message, no stack trace), and a rejected
 * input ({@code InvalidRequest}, wherever it is thrown: a lab's or a reset's input, a resolve or a
 * preflight) is sent without the Java stack trace of the code that refused it, which the Web UI
 * would show in the run's Result panel under the sentence.
 *
 * <p>Java SDK 1.38.0 wraps a validator's {@code ApplicationFailure} in a {@code
 * WorkflowExecutionException} that already holds the converted failure, then converts that wrapper
 * once more, so the Web UI and clients see the type {@code
 * io.temporal.internal.worker.WorkflowExecutionException} and the SDK's stack trace
 * (sdk-java#2875, fixed by sdk-java#3001 after 1.38.0). Here the wrapper gives back the failure it
 * holds, which is what the fix does; drop that part when the SDK is upgraded past the fix.
 */
public final class RejectionFailureConverter implements FailureConverter {

  /** Context-free (it keeps FailureConverter's own withContext), so one serves every context. */
  private final FailureConverter delegate = new DefaultFailureConverter();

  /** The default data converter with this failure converter: what workers and clients use. */
  public static DataConverter dataConverter() {
    return DefaultDataConverter.newDefaultInstance()
        .withFailureConverter(new RejectionFailureConverter());
  }

  @Override
  public Failure exceptionToFailure(Throwable throwable, DataConverter dataConverter) {
    if (throwable instanceof WorkflowExecutionException wrapped) {
      return wrapped.getFailure();
    }
    Failure failure = delegate.exceptionToFailure(throwable, dataConverter);
    return throwable instanceof ApplicationFailure refused
            && FailureTypes.INVALID_REQUEST.equals(refused.getType())
        ? failure.toBuilder().clearStackTrace().build()
        : failure;
  }

  @Override
  public RuntimeException failureToException(Failure failure, DataConverter dataConverter) {
    return delegate.failureToException(failure, dataConverter);
  }
}
