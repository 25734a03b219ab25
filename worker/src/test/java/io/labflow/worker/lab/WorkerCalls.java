package io.labflow.worker.lab;

import io.temporal.activity.Activity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every AWS request that goes on the wire ({@code beforeTransmission}: retries included, refused
 * calls excluded), with the activity type it was made in and the access key that signed it, so
 * the worker's own calls can be told from those made with a lab role's temporary credentials.
 */
final class WorkerCalls implements ExecutionInterceptor {

  /** One request: {@code Iam.CreateRole} in activity {@code CreateRole}, signed by a key id. */
  record Call(String operation, String activityType, String accessKeyId) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attrs) {
    String auth = context.httpRequest().firstMatchingHeader("Authorization").orElse("");
    int from = auth.indexOf("Credential=");
    String key = from < 0 ? "" : auth.substring(from + 11, auth.indexOf('/', from));
    String activity;
    try {
      activity = Activity.getExecutionContext().getInfo().getActivityType();
    } catch (IllegalStateException | NullPointerException notInAnActivity) {
      activity = "(test)";
    }
    calls.add(new Call(attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
        + attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME), activity, key));
  }

  /** The calls signed with this access key. */
  List<Call> signedBy(String accessKeyId) {
    return calls.stream().filter(c -> c.accessKeyId().equals(accessKeyId)).toList();
  }

  List<Call> all() {
    return List.copyOf(calls);
  }
}
