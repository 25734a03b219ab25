package io.labflow.activities.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Replaces the response of the first {@code times} calls of one EC2 or IAM operation with that
 * service's error, as if AWS had answered it. The request itself still reached moto, like a response lost in
 * transit, so the code under test must also cope with work that was in fact done.
 */
public final class FaultInjector implements ExecutionInterceptor {

  private final String operation;
  private final String code;
  private final String message;
  private final AtomicInteger remaining;

  public FaultInjector(String operation, String code, String message, int times) {
    this.operation = operation;
    this.code = code;
    this.message = message;
    this.remaining = new AtomicInteger(times);
  }

  private boolean hit(ExecutionAttributes attrs) {
    return operation.equals(attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attrs) {
    if (hit(attrs) && remaining.get() > 0) {
      return context.httpResponse().toBuilder().statusCode(400).build();
    }
    return context.httpResponse();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attrs) {
    if (hit(attrs) && remaining.getAndDecrement() > 0) {
      String error = "<Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>";
      String xml = attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME).equals("Ec2")
          ? "<Response><Errors>" + error + "</Errors><RequestID>injected</RequestID></Response>"
          : "<ErrorResponse>" + error + "<RequestId>injected</RequestId></ErrorResponse>";
      return Optional.of(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
    return context.responseBody();
  }
}
