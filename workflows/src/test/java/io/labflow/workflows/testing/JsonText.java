package io.labflow.workflows.testing;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.RawValue;

/** Input a client sends as JSON text, as is: what no typed stub can send (too deep, malformed). */
public final class JsonText {

  private JsonText() {}

  public static RawValue of(String json) {
    return new RawValue(
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8(json))
            .build());
  }
}
