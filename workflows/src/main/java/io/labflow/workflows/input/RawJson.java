package io.labflow.workflows.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.RawValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a raw payload (a workflow input, an update's or a signal's argument) into plain Java
 * values in workflow code, with limits checked before any parsing that could throw: the data
 * converter never parses what comes from outside, so no input of any depth or size can fail a
 * workflow task. Pure and deterministic.
 */
public final class RawJson {

  private static final String ENCODING = "encoding";

  static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
      .streamReadConstraints(
          StreamReadConstraints.builder().maxNestingDepth(InputLimits.MAX_DEPTH).build())
      .build()).build();

  private RawJson() {}

  /** A value as a raw payload, for clients calling the workflows through typed stubs. */
  public static RawValue of(Object value) {
    return new RawValue(DefaultDataConverter.STANDARD_INSTANCE.toPayload(value).orElseThrow());
  }

  /** Whether nothing was sent (no payload, or JSON {@code null}). */
  public static boolean isAbsent(RawValue raw) {
    if (raw == null) {
      return true;
    }
    Payload payload = raw.getPayload();
    String encoding = encoding(payload);
    String small = payload.getData().size() <= 8 ? payload.getData().toStringUtf8().trim() : "x";
    return "binary/null".equals(encoding)
        || ("json/plain".equals(encoding) && (small.isEmpty() || small.equals("null")));
  }

  /**
   * The payload as maps, lists, strings, numbers, booleans or null; an IllegalArgumentException
   * says what is wrong, naming the value by {@code what} (such as {@code "the lab request"}).
   */
  public static Object read(RawValue raw, String what, int maxBytes) {
    if (isAbsent(raw)) {
      return null;
    }
    Payload payload = raw.getPayload();
    String encoding = encoding(payload);
    if (!"json/plain".equals(encoding)) {
      throw new IllegalArgumentException(
          what + " must be JSON, got a payload encoded " + InputLimits.quote(encoding));
    }
    int size = payload.getData().size();
    if (size > maxBytes) {
      throw new IllegalArgumentException(what + " is " + InputLimits.bytes(size) + "; at most "
          + InputLimits.bytes(maxBytes) + " are allowed");
    }
    try {
      return JSON.readValue(payload.getData().toByteArray(), Object.class);
    } catch (StreamConstraintsException deep) {
      throw new IllegalArgumentException(
          what + " is nested more than " + InputLimits.MAX_DEPTH + " levels deep");
    } catch (JsonProcessingException bad) {
      String reason = String.valueOf(bad.getOriginalMessage());
      int cut = reason.indexOf('\n');
      throw new IllegalArgumentException(what + " is not valid JSON: "
          + InputLimits.clip(cut < 0 ? reason : reason.substring(0, cut)));
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " cannot be read: " + e.getMessage());
    }
  }

  private static String encoding(Payload payload) {
    return payload.getMetadataOrDefault(ENCODING, ByteString.EMPTY)
        .toString(StandardCharsets.UTF_8);
  }
}
