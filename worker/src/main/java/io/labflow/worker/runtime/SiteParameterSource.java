package io.labflow.worker.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.binding.SiteParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads the worker's site parameters: a JSON object ({@code {"verifyMethod":"probe"}}) or the path
 * of a file holding one. Unset or empty means none. A value that is neither is refused with a
 * sentence naming where it was given: {@code --site-parameters} or {@code LABFLOW_SITE_PARAMETERS}.
 */
public final class SiteParameterSource {

  public static final String VARIABLE = "LABFLOW_SITE_PARAMETERS";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SiteParameterSource() {}

  /** Parses {@code value}, given as {@code source} (the option or {@link #VARIABLE}). */
  public static SiteParameters parse(String value, String source) {
    if (value == null || value.isBlank()) {
      return SiteParameters.NONE;
    }
    String text = value.strip();
    String label = source;
    if (!text.startsWith("{")) {
      Path file = Path.of(text);
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException(source + ": '" + value + "' is neither a JSON object"
            + " nor a readable file (" + e.getClass().getSimpleName() + ")");
      }
      label = source + " (" + file + ")";
    }
    try {
      if (!(JSON.readValue(text, Object.class) instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(label + ": must be a JSON object of parameter values");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> values = (Map<String, Object>) map;
      return new SiteParameters(values, label);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          label + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    }
  }
}
