package io.labflow.activities.testing;

import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An IAM endpoint without a policy simulator, as moto was before the local stack answered
 * {@code iam:SimulatePrincipalPolicy} (and as other emulators are): the request is sent, before it
 * is signed, as {@code iam:SimulateCustomPolicy}, which moto does not implement, so the SDK's
 * SimulatePrincipalPolicy call gets moto's bare HTML 500 for an unimplemented action.
 */
public final class NoSimulator implements ExecutionInterceptor {

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest request = context.httpRequest();
    // The query protocol's parameters are still query parameters here; the SDK moves them into
    // the form body after the interceptors ran.
    if (!List.of("SimulatePrincipalPolicy").equals(request.rawQueryParameters().get("Action"))) {
      return request;
    }
    return request.toBuilder().putRawQueryParameter("Action", "SimulateCustomPolicy").build();
  }
}
