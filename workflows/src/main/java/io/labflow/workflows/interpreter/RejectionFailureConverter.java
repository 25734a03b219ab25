package io.labflow.workflows.interpreter;

import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.FailureConverter;
import io.temporal.failure.DefaultFailureConverter;
import io.temporal.internal.worker.WorkflowExecutionException;

/**
 * The default failure converter with two fixes: an update validator's {@code ApplicationFailure}
 * reaches the caller as itself (its type, its one-line message), and a failure labflow raises on
 * purpose is sent as its sentence alone, without the Java stack trace of the code that raised it,
 * which the Web UI would show under the sentence in a run's Result panel or an activity's last
 * failure. That is every failure in the chain whose type is labflow's ({@code FailureTypes}) or an
 * AWS error code: a type without a dot. A Java exception (its type is its class name) is a bug,
 * and keeps its stack trace for whoever looks for it.
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
    return sentences(throwable instanceof WorkflowExecutionException wrapped
        ? wrapped.getFailure()
        : delegate.exceptionToFailure(throwable, dataConverter));
  }

  private static Failure sentences(Failure failure) {
    Failure.Builder sent = failure.toBuilder();
    if (failure.hasApplicationFailureInfo()
        && !failure.getApplicationFailureInfo().getType().contains(".")) {
      sent.clearStackTrace();
    }
    return failure.hasCause() ? sent.setCause(sentences(failure.getCause())).build() : sent.build();
  }

  @Override
  public RuntimeException failureToException(Failure failure, DataConverter dataConverter) {
    return delegate.failureToException(failure, dataConverter);
  }
}
