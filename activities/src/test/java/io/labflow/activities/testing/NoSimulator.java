package io.labflow.activities.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An IAM endpoint without a policy simulator, as moto was before the local stack answered
 * {@code iam:SimulatePrincipalPolicy} (and as other emulators are): the request is sent, before it
 * is signed, as {@code iam:SimulateCustomPolicy}, which moto does not implement, so the SDK's
 * SimulatePrincipalPolicy call gets moto's bare HTML 500 for an unimplemented action.
 */
public final class NoSimulator implements ExecutionInterceptor {

  @Override
  public Optional<RequestBody> modifyHttpContent(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    Optional<RequestBody> body = context.requestBody();
    if (body.isEmpty()) {
      return body;
    }
    String form;
    try (InputStream in = body.get().contentStreamProvider().newStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      form = out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!form.contains("Action=SimulatePrincipalPolicy")) {
      return body;
    }
    // Of the same length, so that the Content-Length already set stays right.
    return Optional.of(RequestBody.fromString(
        form.replace("Action=SimulatePrincipalPolicy", "Action=SimulateCustomPolicy&z="),
        StandardCharsets.UTF_8));
  }
}
