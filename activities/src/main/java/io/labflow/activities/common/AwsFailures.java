package io.labflow.activities.common;

import io.labflow.activities.common.AwsClients.Operation;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.activity.ActivityMethod;
import io.temporal.failure.ApplicationFailure;
import jakarta.annotation.Nullable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The single place that turns AWS errors into Temporal failures, and builds every other failure
 * of the step library.
 *
 * <p>Decisions are made on the AWS error code and HTTP status (throttling as the SDK classifies
 * it), never on exception classes or messages (except the one documented propagation message of
 * EC2). The failure type is the error code itself, so a step file can name it in {@code
 * nonRetryable}; labflow's own failure types are the constants of {@link FailureTypes}.
 *
 * <p>A failure carries a short message, its type, whether to retry, and an {@link AwsErrorInfo};
 * never the SDK exception (see {@link #map(SdkException)}), so it stays far below the size
 * Temporal keeps for a retrying activity's last failure.
 *
 * <p>The step library's implementations are registered behind {@link #around} ({@code
 * StepLibrary.implementations}, wherever they are registered: the worker, tests, benchmarks), and
 * the worker's failure interceptor asks {@link #mapped} for what escapes any other activity. So
 * the activities themselves catch an AWS error only to decide on its code ({@link AwsErrors}).
 */
public final class AwsFailures {

  /**
   * Longest failure message, in characters. Temporal keeps the last failure of a retrying activity
   * only up to {@code limit.mutableStateActivityFailureSize.error} (4 KiB encoded by default) and
   * otherwise shows "Failure exceeds size limit." instead, so every failure stays well below it.
   */
  static final int MAX_MESSAGE = 1500;
  /** Longest excerpt of an AWS error message (or of a non-AWS error body) in a failure message. */
  static final int MAX_AWS_MESSAGE = 300;
  /** Most stack frames kept on a failure (labflow's own frames only). */
  static final int MAX_FRAMES = 6;

  private static final Logger log = LoggerFactory.getLogger(AwsFailures.class);
  /**
   * Codes AWS answers with a 4xx although a retry may succeed (throttling aside, which the SDK
   * classifies: {@link AwsServiceException#isThrottlingException}): a request that timed out, a
   * concurrent change, and IAM's eventual consistency (an entity created a moment ago may not be
   * visible yet; activities treat an expected absence themselves, one that reaches here is retried
   * within the step's retry policy). Any 5xx is retried by its status.
   */
  private static final Set<String> TRANSIENT_4XX =
      Set.of("RequestTimeout", "PriorRequestNotComplete", "ConcurrentModification", "NoSuchEntity");
  /** Codes of credentials AWS refused (unknown key, bad signature, expired token), any status. */
  private static final Set<String> REFUSED_CREDENTIALS = Set.of("AuthFailure",
      "InvalidClientTokenId", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken",
      "ExpiredTokenException", "UnrecognizedClientException", "InvalidSignatureException");
  /**
   * Codes saying the endpoint does not know or implement the operation (query APIs answer {@code
   * InvalidAction}, JSON APIs {@code UnknownOperationException}, S3 {@code NotImplemented}).
   */
  private static final Set<String> UNSUPPORTED_CODES = Set.of("InvalidAction", "UnknownOperation",
      "UnknownOperationException", "NotImplemented", "NotImplementedException");

  /**
   * The details of a failure mapped from an AWS error (the first detail of the {@code
   * ApplicationFailure}): what failed, without the SDK exception, its stack or any credentials.
   *
   * @param service the SDK's service name, e.g. {@code Iam}
   * @param operation the API operation, e.g. {@code SimulatePrincipalPolicy}, when known
   * @param errorCode the AWS error code, empty when the answer had none
   * @param statusCode the HTTP status, 0 for a client-side failure
   * @param requestId the AWS request id, when the answer had one
   */
  public record AwsErrorInfo(@Nullable String service, @Nullable String operation,
      String errorCode, int statusCode, @Nullable String requestId) {}

  private AwsFailures() {}

  /**
   * The Temporal failure for any SDK exception. The SDK exception is <b>not</b> attached as cause:
   * its stack traces and the attempts the SDK adds as suppressed exceptions would make the failure
   * larger than Temporal keeps. It is logged at debug level instead.
   */
  public static ApplicationFailure map(SdkException e) {
    log.debug("AWS call failed", e);
    AwsServiceException service = serviceException(e);
    Operation op = operationOf(e);
    if (service != null) {
      return map(service, op);
    }
    String opService = op == null ? null : op.service;
    return failure(where(opService, op) + "failed on the client side: "
        + FailureText.clean(e.getMessage()), FailureTypes.AWS_CLIENT_ERROR, true,
        new AwsErrorInfo(opService, op == null ? null : op.operation, "", 0, null));
  }

  /**
   * Throws the retryable failure of a transient AWS error (throttling, a server fault), also when
   * the call's time ran out while AWS kept answering with one; returns for anything else, which
   * the caller then says in its own words: the preflight names what to fix in the worker's setup,
   * the inventory ({@code FoundResources}) lists what it could not read. A failure on the client
   * side (no answer from AWS) is otherwise lasting here: the SDK has already retried it.
   */
  public static void rethrowIfAwsTransient(SdkException e) {
    AwsServiceException service = serviceException(e);
    for (Throwable s : e.getSuppressed()) {
      if (service == null && s instanceof SdkException attempt) {
        service = serviceException(attempt);
      }
    }
    if (service != null) {
      ApplicationFailure f = map(service, operationOf(e));
      if (!f.isNonRetryable() && !FailureTypes.AWS_UNKNOWN.equals(f.getType())) {
        throw f;
      }
    }
  }

  /**
   * The implementation behind its activity interfaces, SDK errors mapped and input checked: every
   * required field ({@link ActionCatalog#required}) of every action's input, so no action checks
   * its own.
   */
  public static Object around(Object implementation) {
    Class<?> type = implementation.getClass();
    return Proxy.newProxyInstance(
        type.getClassLoader(),
        type.getInterfaces(),
        (proxy, method, args) -> {
          ActivityMethod action = method.getAnnotation(ActivityMethod.class);
          if (action != null && args[0] instanceof Record input) {
            for (RecordComponent field : input.getClass().getRecordComponents()) {
              if (ActionCatalog.required(field)) {
                Inputs.require(field.getAccessor().invoke(input), field.getName(), action.name());
              }
            }
          }
          try {
            return method.invoke(implementation, args);
          } catch (InvocationTargetException e) {
            throw mapped(e.getCause()).map(Throwable.class::cast).orElse(e.getCause());
          }
        });
  }

  /** The Temporal failure of an SDK exception; empty for anything else. */
  public static Optional<ApplicationFailure> mapped(Throwable thrown) {
    return thrown instanceof SdkException sdk ? Optional.of(map(sdk)) : Optional.empty();
  }

  private static ApplicationFailure map(AwsServiceException e, Operation op) {
    String code = errorCode(e);
    int status = e.statusCode();
    String requestId = e.requestId() == null || e.requestId().isBlank() ? null : e.requestId();
    String service = e.awsErrorDetails() != null && e.awsErrorDetails().serviceName() != null
        ? e.awsErrorDetails().serviceName() : op == null ? null : op.service;
    AwsErrorInfo info =
        new AwsErrorInfo(service, op == null ? null : op.operation, code, status, requestId);
    String prefix = where(service, op);
    if (UNSUPPORTED_CODES.contains(code) || status == 501) {
      return failure(prefix + "is not supported by the endpoint: "
          + FailureText.describe(e, code, requestId)
          + " (not retried: retrying cannot make an unknown operation known)",
          FailureTypes.UNSUPPORTED, false, info);
    }
    if (code.isEmpty() && requestId == null && (status == 500 || status == 404 || status == 405)) {
      // Every AWS service answers with an error code and a request id. A bare 500/404/405 comes
      // from something else at the endpoint: typically an emulator without this operation (moto
      // answers an unimplemented action with an HTML "500 Internal Server Error").
      return failure(prefix + "got HTTP " + status + " without an AWS error code or request id,"
          + " so not from an AWS service; most likely an emulator that does not implement this"
          + " operation (or crashed on it). " + FailureText.bodyExcerpt(e) + " (not retried)",
          FailureTypes.UNSUPPORTED, false, info);
    }
    String message = prefix + "failed: " + FailureText.describe(e, code, requestId);
    if (status == 403) {
      // A refusal of the credentials or their permissions; no retry can change it. Some endpoints
      // (moto's IAM enforcement, proxies, S3 on a HEAD) answer 403 with a body the SDK cannot
      // parse, which would otherwise leave an empty code and a retryable unknown error.
      return failure(message + " (HTTP 403: not retried)",
          code.isEmpty() ? FailureTypes.ACCESS_DENIED : code, false, info);
    }
    boolean transientError = e.isThrottlingException() || status >= 500
        || TRANSIENT_4XX.contains(code) || isProfilePropagation(e);
    if (code.isEmpty()) {
      return failure(message,
          transientError ? "HttpStatus" + status : FailureTypes.AWS_UNKNOWN, true, info);
    }
    // Any other 4xx code is a client mistake far more often than a transient condition.
    return failure(message, code, transientError || status < 400 && status != 301, info);
  }

  /**
   * Every failure of the step library is built here: message bounded and scrubbed of anything that
   * looks like a credential, stack trimmed to labflow's own frames (sent only for a bug's type).
   */
  public static ApplicationFailure failure(
      String message, String type, boolean retryable, Object... details) {
    String bounded = FailureText.truncate(FailureText.redact(message), MAX_MESSAGE);
    ApplicationFailure f = retryable
        ? ApplicationFailure.newFailure(bounded, type, details)
        : ApplicationFailure.newNonRetryableFailure(bounded, type, details);
    f.setStackTrace(ownFrames(f.getStackTrace()));
    return f;
  }

  /** A retryable failure of this type (message bounded, see {@link #failure}). */
  public static ApplicationFailure retryable(String message, String type) {
    return failure(message, type, true);
  }

  /** A non-retryable failure of this type (message bounded, see {@link #failure}). */
  public static ApplicationFailure nonRetryable(String message, String type) {
    return failure(message, type, false);
  }

  /** Whether EC2 rejected an instance profile only because IAM has not propagated it yet. */
  public static boolean isProfilePropagation(AwsServiceException e) {
    String msg = AwsErrors.message(e);
    return hasCode(e, "InvalidParameterValue") && msg != null
        && msg.toLowerCase(Locale.ROOT).contains("invalid iam instance profile");
  }

  /** Whether AWS refused the credentials themselves, not a permission they lack. */
  public static boolean refusedCredentials(AwsServiceException e) {
    return e.statusCode() == 401 || REFUSED_CREDENTIALS.contains(errorCode(e));
  }

  /** The AWS error code, or the empty string when the response had none. */
  public static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? ""
        : Objects.requireNonNullElse(e.awsErrorDetails().errorCode(), "");
  }

  /** What AWS answered, for a sentence: its error code, or its HTTP status when it had none. */
  public static String answered(AwsServiceException e) {
    String code = errorCode(e);
    return code.isEmpty() ? "HTTP " + e.statusCode() : code;
  }

  public static boolean hasCode(AwsServiceException e, String... codes) {
    return Arrays.asList(codes).contains(errorCode(e));
  }

  public static ApplicationFailure notOwned(String what, String labId) {
    return nonRetryable(
        what + " exists but is not tagged for lab " + labId + " in this namespace ("
            + Tags.LAB_TAG + " and " + Tags.NAMESPACE_TAG + "); labflow leaves it untouched",
        FailureTypes.NOT_OWNED);
  }

  public static ApplicationFailure invalidInput(String message) {
    return nonRetryable(message, FailureTypes.INVALID_INPUT);
  }

  /** The operation {@link AwsClients}' interceptor recorded on this exception chain. */
  static Operation operationOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Throwable s : t.getSuppressed()) {
        if (s instanceof Operation op) {
          return op;
        }
      }
    }
    return null;
  }

  /** The service error itself, or the one a client-side exception wraps (e.g. from a waiter). */
  private static AwsServiceException serviceException(SdkException e) {
    int depth = 0;
    for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof AwsServiceException ase) {
        return ase;
      }
    }
    return null;
  }

  /** "Iam SimulatePrincipalPolicy " or "Iam " or "AWS ". */
  private static String where(String service, Operation op) {
    return (service == null ? "AWS" : service) + " " + (op == null ? "" : op.operation + " ");
  }

  /** labflow's own frames (not this class's), at most {@value #MAX_FRAMES}. */
  private static StackTraceElement[] ownFrames(StackTraceElement[] frames) {
    return Arrays.stream(frames).filter(f -> f.getClassName().startsWith("io.labflow.")
            && !f.getClassName().equals(AwsFailures.class.getName()))
        .limit(MAX_FRAMES).toArray(StackTraceElement[]::new);
  }
}
