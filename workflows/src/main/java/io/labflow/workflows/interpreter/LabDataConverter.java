package io.labflow.workflows.interpreter;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * The data converter that the labflow worker and client must share.
 *
 * <p>It is Temporal's default (Jackson with Java time support) with one change: Jackson does not
 * treat {@code isXxx()} methods as properties. Without that, {@code Step.isParallel()} is written
 * as a boolean {@code "parallel"} that hides the record's {@code parallel} list, and no resolved
 * definition can be read back. Records are described completely by their components, so nothing is
 * lost.
 */
public final class LabDataConverter {

  private LabDataConverter() {}

  /** The Jackson mapper of labflow payloads. */
  public static ObjectMapper objectMapper() {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    mapper.setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    return mapper;
  }

  /** A data converter for {@code WorkflowClientOptions.setDataConverter}. */
  public static DataConverter create() {
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(objectMapper()));
  }
}
