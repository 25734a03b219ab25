package io.labflow.activities.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SDK's standard configuration (system properties: endpoint, Region, keys) pointed at one
 * endpoint for a test, and put back as it was on {@link #close}.
 */
public final class SdkSettings implements AutoCloseable {

  private static final String[] PROPERTIES =
      {"aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey"};

  private final Map<String, String> saved = new LinkedHashMap<>();

  private SdkSettings(String endpoint) {
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
    }
    System.setProperty("aws.endpointUrl", endpoint);
    System.setProperty("aws.region", MotoProcess.REGION);
    System.setProperty("aws.accessKeyId", MotoProcess.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", MotoProcess.SECRET_KEY);
  }

  /** Points the SDK at {@code endpoint} with the default test credentials. */
  public static SdkSettings pointingAt(String endpoint) {
    return new SdkSettings(endpoint);
  }

  @Override
  public void close() {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
  }
}
